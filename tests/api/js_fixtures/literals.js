// Hand-written fixture: every literal shape of PROTOCOL.md §4.9, in minified/obfuscated spellings.
import { a as _0x4d7e32, b as _0x1cc358 } from "./enums-Qw3rTy12.js";
const _0x5a = {
  'hex': 0x9, 'octal': 0o17, 'binary': 0b1010, 'separated': 1_000, 'bigint': 10n,
  'fraction': .5, 'exponent': 1e3, 'negative': -0x7f, 'plus': +'42', 'float': 65.5,
  0x31: 'forty-nine', 1.50: 'one and a half', [0x2 + 0x1]: 'three',
  'escapes': 'Moc\x20palnika\u0105\u{1F600}\n\t\'\"\\',
  "double": "Temperatura\x20zadana",
  'continued': 'line\
continued',
  'pair': '\uD83D\uDE00',
  template: `parameters.STATUS_P5_${0x3}`,
  tplNested: `a${`b${0x1 + 0x1}`}c\x21`,
  truthy: !0, falsy: !1, emptyArrayFalse: ![], emptyArrayTrue: !![],
  undef: void 0, undefHex: void 0x0, nothing: null,
  holes: [0x1, , 0x3, ], onlyHole: [,],
  regex: /^ON|OFF$/i,
  enumBracket: _0x4d7e32['INVISIBLE'], enumDot: _0x1cc358.READ,
  readable: ClauseOperation['equalTo'], readableDot: BoilerState.STOP,
  [_0x4d7e32['ENABLED']]: 'computed enum key',
  nullish: void 0x0 ?? 'fallback', nullishKept: 0x0 ?? 'unused',
  or: '' || 'or-default', and: !0 && 'and-value',
  ternary: void 0x0 === void 0 ? 'yes' : 'no',
  comparison: 0x10 > 0xf, strictEq: '1' === 0x1, looseEq: '1' == 0x1,
  concat: 'parameters.PARAM_' + 0x42, arithmetic: (0x7f - 0x1) * 0.5 / 0x2 % 0x7,
  paren: ((((0x5)))), sequence: (0x1, 0x2, 0x3),
  bitmask: 0x2300 >> 0x8 & 0x7, typeofValue: typeof 'x',
  fixed: Number(0x35 * 0.1)['toFixed'](0x1), fixedDot: (1.005).toFixed(2),
  mathRound: Math['round'](2.5), padded: String(0x7)['padStart'](0x2, '0'),
};
const _0x6b = { ..._0x5a, extra: 0x1, hex: 'overridden' };
const _0x7c = [..._0x5a.holes, ...'ab'];
const shorthand = 0x2a;
const _0x8d = { shorthand, method() { return 0x1; } };
export { _0x5a as default, _0x6b, _0x7c, _0x8d };
