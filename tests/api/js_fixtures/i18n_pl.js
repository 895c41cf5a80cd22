// Hand-written fixture: an i18n chunk with escaped Polish labels (PROTOCOL.md §4.8).
export default {
  'PARAM_66': 'Moc\x20palnika',
  'PARAM_P4_59': 'Czas\x20pracy\x20podajnika',
  "STATUS_P5_0": "Stan\x20kot\u0142a",
  'zawor': 'Zaw\xF3r\x20tr\xF3jdrogowy\x20\u2013\x20pozycja',
  nested: { 'on': 'W\u0142\u0105czony', 'off': 'Wy\u0142\u0105czony', 0x0: 'zero' },
  emoji: '\u{1F525}\x20ogie\u0144',
};
