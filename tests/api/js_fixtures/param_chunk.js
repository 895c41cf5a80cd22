// Hand-written fixture: a dedicated parameter-map chunk with a factory table (PROTOCOL.md §4.5, §4.6).
import { C as _0x11, D as _0x22, P as _0x33 } from "./index-AbC-12_x.js";
const _0xsel = (_0xn, _0xb) => ({ 'group': 'P5', 'number': _0xn, 'use': 's', 'bit': _0xb });
const _0xfactory = ({ name: _0xname, unit: _0xunit = 0x270e, rules: _0xrules }) => ({ 'name': _0xname, 'unit': _0xunit, 'value': _0xrules });
const table = {
  STATUS_P5_0: _0xfactory({
    name: 'app.one.boilerStatus.name',
    rules: [
      { 'if': [{ 'operation': _0x11['equalTo'], 'expected': 0x1, 'value': [_0xsel(0x4, 0x5)] }], 'then': _0x22['STOP'] },
      { 'elseif': [{ 'operation': ClauseOperation['notEqualTo'], 'expected': !![], 'value': [_0xsel(0x4, 0x6)] }], 'then': { 'value': o.WORK } },
      { 'elseif': [{ 'operation': t.matches, 'expected': /^ab+c$/i, 'value': [{ 'storeGetter': 'modulesMap.{devid}.connectedAt' }] }], 'then': kn.ON },
      { 'elseif': [{ 'operation': e.greaterThan, 'expected': void 0x0, 'value': [{ 'group': 'P5', 'number': 0x7, 'use': 's', 'mask': 0x1e }] }], 'then': ThreeWayValveState['CLOSING'] },
      { 'else': null },
    ],
  }),
  STATUS_P5_10: _0xfactory({ name: `parameters.STATUS_P5_${0xa}`, unit: 0x270a, rules: [] }),
};
export { table as default };
