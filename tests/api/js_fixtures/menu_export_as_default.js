// Hand-written fixture: constants bound first and exported via `export { x as default }`.
const e = [{ path: 'status', name: 'modules.menu.status', meta: { parameters: { status: [{ parameter: d(a.STATUS, 'STATUS_P5_0') }] } } }];
const o = 'unused';
export { o as something, e as default };
