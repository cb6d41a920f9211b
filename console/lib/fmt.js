// Money, numbers and store time. Money is integer fen end to end: no
// float ever holds an amount. Times come from the server in the store's
// zone (2026-11-29T14:33:31+08:00) and are shown as written, so a browser
// in another zone still shows store time.

function group(digits) {
	return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

// 123450 -> "¥1,234.50"; -5 -> "-¥0.05".
export function yuan(fen) {
	if (fen === null || fen === undefined)
		return '';
	const neg = fen < 0;
	const s = String(Math.abs(fen)).padStart(3, '0');
	return (neg ? '-' : '') + '¥' + group(s.slice(0, -2)) + '.' + s.slice(-2);
}

// "1,234.5" or "1234.50" or "12" -> fen (an integer), or null if it is
// not an amount. Parsed as text: "0.1" + "0.2" never happens here.
export function parseYuan(text) {
	const m = /^\s*¥?\s*(\d{1,3}(?:,\d{3})+|\d{1,11})(?:\.(\d{1,2}))?\s*$/
	    .exec(String(text));
	if (!m)
		return null;
	const fen = Number(m[1].replace(/,/g, '')) * 100 +
	    Number((m[2] || '0').padEnd(2, '0'));
	return Number.isSafeInteger(fen) ? fen : null;
}

export function num(n) {
	if (n === null || n === undefined)
		return '';
	return (n < 0 ? '-' : '') + group(String(Math.abs(n)));
}

// A whole number typed by a person, or null.
export function parseInt10(text, min, max) {
	const t = String(text).trim();
	if (!/^-?\d{1,16}$/.test(t))
		return null;
	const n = Number(t);
	if (!Number.isSafeInteger(n) || (min !== undefined && n < min) ||
	    (max !== undefined && n > max))
		return null;
	return n;
}

// "2026-11-29T14:33:31+08:00" -> "2026-11-29 14:33"
export function datetime(t) {
	return t ? t.slice(0, 10) + ' ' + t.slice(11, 16) : '';
}

export function date(t) {
	return t ? t.slice(0, 10) : '';
}

// The store's offset from UTC in minutes, learnt from a time the server
// sent (the session's expires_at); the browser's own zone is not used.
let offsetMin = 8 * 60;

export function learnOffset(t) {
	const m = /([+-])(\d\d):(\d\d)$/.exec(t || '');
	if (m)
		offsetMin = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
	else if (/Z$/.test(t || ''))
		offsetMin = 0;
}

// Today in the store, "YYYY-MM-DD".
export function today() {
	return new Date(Date.now() + offsetMin * 60000).toISOString().slice(0, 10);
}

export function month() {
	return today().slice(0, 7);
}

// "YYYY-MM-DD" plus n days (calendar arithmetic in UTC: no zone shifts).
export function addDays(d, n) {
	const t = Date.UTC(+d.slice(0, 4), +d.slice(5, 7) - 1, +d.slice(8, 10));
	return new Date(t + n * 86400000).toISOString().slice(0, 10);
}

// "YYYY-MM" plus n months.
export function addMonths(p, n) {
	const m = +p.slice(0, 4) * 12 + (+p.slice(5, 7) - 1) + n;
	return String(Math.floor(m / 12)).padStart(4, '0') + '-' +
	    String(m % 12 + 1).padStart(2, '0');
}

// The last day of period "YYYY-MM".
export function monthEnd(p) {
	return addDays(addMonths(p, 1) + '-01', -1);
}
