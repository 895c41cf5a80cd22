// Hand-written fixture: a MAINMENU_* title pack whose default export is one string.
const t = 'Menu\x20termostat\xF3w';
export { t as default };
