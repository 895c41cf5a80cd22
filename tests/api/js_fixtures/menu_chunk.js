// Hand-written fixture: a device-menu chunk in the live obfuscated spelling (PROTOCOL.md §4.4).
import { P as _0x521864, S as _0x1cc358, h as _0x3e8c51, I as _0x2a } from "./index-AbC-12_x.js";
const _0x1f = [{ path: "advanced", name: "modules.menu.advanced", component: () => import("./advanced-Zx9-Q1a2.js") }];
export default [
  {
    'path': 'dhw',
    'name': 'modules.menu.dhw',
    'component': () => import('./view-Hh7g6F5d.js'),
    'meta': {
      'displayName': 'MAINMENU_USTAWIENIA_CWU',
      'icon': _0x2a['DHW'],
      'permissionModule': _0x521864['DISPLAY_MENU_DHW'],
      'isVisibleOnSideMenu': !0x0,
      'parameters': {
        'read': [{ 'permissionModule': _0x521864['DISPLAY_PARAMETER_LEVEL_1'], 'parameter': _0x3e8c51(_0x1cc358['READ'], 'PARAM_P30_2') }],
        'write': [{ 'permissionModule': _0x521864['DISPLAY_PARAMETER_LEVEL_MAX'], 'parameter': _0x3e8c51(_0x1cc358['WRITE'], 'PARAM_P32_184') }],
        'status': [],
        'special': ['PARAM_45', 'PARAM_34']['map'](_0x9 => ({ 'permissionModule': _0x521864['DISPLAY_PARAMETER_LEVEL_1'], 'parameter': _0x3e8c51(_0x1cc358['WRITE'], _0x9) })),
      },
    },
    'children': _0x1f,
  },
  { 'redirect': { 'name': 'modules.menu.dhw' } },
  {
    path: 'boiler', name: 'modules.menu.boiler',
    meta: { displayName: 'MAINMENU_KOCIOL', permissionModule: A.DISPLAY_MENU_BOILER, isVisibleOnSideMenu: ![] },
    parameters: { read: [{ parameter: E(A.WRITE, "URUCHOMIENIE_KOTLA") }] },
    children: [],
  },
];
