// Hand-written fixture: an index-<hash>.js-like bundle (PROTOCOL.md §4.2-§4.8), obfuscated spellings.
const __vite__mapDeps = (i, m = __vite__mapDeps, d = (m.f || (m.f = ["assets/module.menu-AbC1.js", "assets/info-Bpu026-3.js", "assets/tariff-Db9Vj8s-.js", "assets/vendor-x_Y-z.css", "assets/PARAM_66-AbC1.js", "../parameters/write/PARAM_66-ZzZ9.js"]))) => i.map(i => d[i]);
import { d as _0xh } from "./preload-helper-Qq1-Ww2e.js";
function _0x2f(n, e) { let t = 0x0; for (const r of n) t += r; return t + e; }
const _0xmenus = {
  "../config/router/deviceMenu/153/module.menu.ts": () => _0xh(() => import("./module.menu-Bq7-Xy12.js"), __vite__mapDeps([0x0, 0x1])),
  "/src/config/router/deviceMenu/2190/module.menu.ts": () => _0xh(() => import('./module.menu-Cc3_Pp90.js'), []),
  "/src/config/router/deviceMenu/0/0.ts": () => _0xh(() => import("./0-r9AwvEAY.js"), []),
  "/src/config/router/deviceMenu/0/1.ts": () => import("./1-Kk2-LmN3.js"),
  "not-an-import": () => _0xh(0x1),
};
const _0xlangs = {
  "../../resources/languages/pl/app.json": () => _0xh(() => import("./app-Pl1-aaaa.js"), []).then(e => e.default),
  "../../resources/languages/pl/parameters.json": () => _0xh(() => import("./parameters-Pl2_bbbb.js"), []).then(e => e.default),
  "../../resources/languages/en/diodeState.json": () => _0xh(() => import("./diodeState-En3-cccc.js"), []).then(e => e.default),
  "../../resources/languages/pl/MAINMENU_MENU_TERMOSTATU.json": () => _0xh(() => import("./MAINMENU_MENU_TERMOSTATU-dd-4.js"), []).then(e => e.default),
};
const _0xlangConfig = { 'translations': [{ 'id': 'PL', 'flag': 'pl', 'variants': { '153': { '1201': 'PL_5_RTP_TIS' } } }, { 'id': 'EN', 'flag': 'en' }], 'defaultTranslation': 'pl' };
const _0xsmall = { 'translations': [], 'note': 'a smaller decoy' };
const _0xunits = {
  0x1: { 'text': 'units.1' },
  0x2f: { 'text': 'units.47', 'value': _0xac50fa => _0xac50fa - 0x7f },
  0x31: { 'text': 'units.31', 'value': _0x4fdb4d => Number(_0x4fdb4d * 0.1)['toFixed'](0x1) },
  0x25: { 'text': 'units.37', 'options': { 0x0: 'app.lang.pl', 0x1: 'app.lang.en' } },
  0x270e: { 'text': 'units.9998', 'options': { [_0x4d7e32['STOP']]: 'app.one.burnerState.0', [BoilerState['WORK']]: 'app.one.burnerState.1' } },
  0x2712: { 'options': { [kn.ON]: 'app.one.diodeState.on', [kn['OFF']]: 'app.one.diodeState.off' }, 'colors': { [kn.ON]: '#0f0' } },
};
const _0xsel = (_0xg, _0xn, _0xu = 'v', _0xextra = {}) => ({ 'group': _0xg, 'number': _0xn, 'use': _0xu, ..._0xextra });
const basicParameterBuilder_P11 = ({ id: _0xid, number: _0xnum, name: _0xname = void 0x0, icon: _0xicon = IconsList['INFO'], useComponent: _0xuc = void 0x0, status: _0xst = {} } = {}) => ({
  'id': _0xid,
  'icon': _0xicon,
  'name': _0xname ?? 'parameters.PARAM_P11_' + _0xnum,
  'value': [_0xsel('P11', _0xnum)],
  'status': { [_0x4d7e32['INVISIBLE']]: [_0xsel('P11', _0xnum, 's', { 'bit': 0x7 })], ..._0xst },
  'useComponent': _0xuc ?? null,
});
function classicBuilder(_0xo) {
  const { number: _0xn, name: _0xname, unit: _0xunit, ..._0xrest } = _0xo;
  let _0xlabel = _0xname === void 0x0 ? 'parameters.PARAM_' + _0xn : _0xname;
  if (_0xunit) {
    return { 'name': _0xlabel, 'unit': _0xunit, 'value': [{ 'group': 'P6', 'number': _0xn, 'use': 'v' }], ..._0xrest };
  } else {
    const _0xr = { 'name': _0xlabel, 'value': [{ 'group': 'P6', 'number': _0xn, 'use': 'v' }] };
    _0xr['minValue'] = [{ 'group': 'P6', 'number': _0xn, 'use': 'n' }];
    _0xr.maxValue = [{ 'group': 'P6', 'number': _0xn, 'use': 'x' }];
    return _0xr;
  }
}
const twoRegister = ([_0xlo, _0xhi] = [], { pool: _0xp = 'P4' } = {}) => ({
  'name': `parameters.PARAM_${_0xp}_${_0xlo}`,
  'value': [
    { 'group': _0xp, 'number': _0xlo, 'use': 'v', 'convert': _0x2f },
    { 'group': _0xp, 'number': _0xhi, 'use': 'v', 'convert': _0x2f, 'times': 0x10000 },
  ],
});
const _0xparams = {
  'PARAM_P11_1': basicParameterBuilder_P11({ id: 0x1268b5b7d368, number: 0x1 }),
  PARAM_P11_2: basicParameterBuilder_P11({ id: 0x1268b5b7d369, number: 0x2, name: 'parameters.CUSTOM', useComponent: _0x9['SWITCH'] }),
  PARAM_66: classicBuilder({ number: 0x42, unit: 0x31, componentType: 'slider' }),
  PARAM_10: classicBuilder({ number: 0xa }),
  PARAM_P4_59: twoRegister([0x3b, 0x3c]),
  ['PARAM_P6_' + 0x5]: classicBuilder({ number: 0x5 }),
  lowercase_key: { 'name': 'not a token' },
};
const _0xstatuses = ['STATUS_P5_1', 'STATUS_P5_2']['map']((_0xt, _0xi) => ({ 'name': _0xt, 'value': [{ 'group': 'P5', 'number': _0xi + 0x1, 'use': 's', 'bit': 0x0 }] }));
const _0xsame = "./tariff-Db9Vj8s-.js";
const _0xcycleA = { 'b': _0xcycleB }, _0xcycleB = { 'a': _0xcycleA };
export { _0xparams as p, _0xunits as u };
