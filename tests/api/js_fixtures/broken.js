// Hand-written fixture: a truncated and garbled chunk (the simulator's bundle=broken fault).
const good = { 'PARAM_66': { name: 'parameters.PARAM_66', value: [{ group: 'P6', number: 0x42, use: 'v' }] } };
const bad = { 'PARAM_67': { name: 'parameters.PARAM_67', value: [{ group: 'P6' number: 0x43, use: 'v' }] } };
const half = { 'PARAM_68': { name: 'parameters.PARAM_6
export default { a: good, b: bad, c: half
