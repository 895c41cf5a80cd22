// Hand-written fixture: unit transforms in the live spellings (PROTOCOL.md §4.7).
const _0xunits = {
  0x31: { 'text': 'units.31', 'value': _0x4fdb4d => Number(_0x4fdb4d * 0.1)['toFixed'](0x1), 'valuePrepare': _0x1 => _0x1 * 0xa },
  0xa: { 'text': 'units.10', 'value': _0x201288 => _0x201288 * 0x6, 'valuePrepare': _0x23f809 => _0x23f809 / 0x6 },
  0xb: { 'text': 'units.11', 'value': _0x5c18a7 => (_0x5c18a7 - 0x7f) * 0.5 },
  0x2f: { 'text': 'units.47', 'value': _0xac50fa => _0xac50fa - 0x7f },
  0x34: { 'text': 'units.52', 'value': (x) => x / 0xa },
  0x13: { 'text': 'units.19', 'value': function (_0x9) { return (_0x9 + 0x2) / 0x2; } },
  0x35: { 'text': 'units.53', 'value': _0x7 => Math['round'](_0x7 * 1.5) },
  0x36: { 'text': 'units.54', 'value': _0x7 => (_0x7 * 0.1).toFixed(0x2) },
  0x37: { 'text': 'units.55', 'value': _0x7 => 0x64 - _0x7 },
  0x38: { 'text': 'units.56', 'value': _0x7 => 0.5 * (_0x7 + 0x1) },
  0x42: {
    'text': 'units.66',
    'value': _0x3a => {
      if (_0x3a === 0x0) return 'units.202.0';
      const _0x1b = (_0x3a - 0x1) * 0xa, _0x2c = Math['floor'](_0x1b / 0x3c), _0x4e = _0x1b % 0x3c;
      return String(_0x2c)['padStart'](0x2, '0') + ':' + String(_0x4e)['padStart'](0x2, '0');
    },
  },
  0x43: {
    'text': 'units.67',
    'value': t => t ? `${('0' + Math.floor((t - 1) * 10 / 60)).slice(-2)}:${('0' + (t - 1) * 10 % 60).slice(-2)}` : 'units.202.0',
  },
  0x44: { 'text': 'units.68', 'value': t => t * t },
  0x45: { 'text': 'units.69', 'value': t => someHelper(t) },
  0x46: { 'text': 'units.70', 'value': (a, b) => a + b },
  0x47: { 'text': 'units.71', 'value': t => t },
};
export default _0xunits;
