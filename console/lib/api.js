// The JSON API, and nothing else: whatever the console does, a script can
// do with the same calls (docs/api.md).
//
// The session token travels in the Authorization header, never in a
// cookie, so another site cannot make the browser send it (no CSRF). It
// is kept in this tab's sessionStorage so a reload keeps the session and
// closing the tab forgets it; the strict Content-Security-Policy and
// text-only rendering (dom.js) are what keep a script from reading it.
import { learnOffset } from './fmt.js';

const KEY = 'cishan.session';
let session = null;
let expired = () => {};

export class ApiError extends Error {
	constructor(status, code, message, details) {
		super(message || code);
		this.status = status;
		this.code = code;
		this.details = details || {};
	}
}

export function getSession() {
	if (session === null) {
		try {
			session = JSON.parse(sessionStorage.getItem(KEY));
		} catch (e) {
			session = null;
		}
		if (session)
			learnOffset(session.expires_at);
	}
	return session;
}

export function setSession(s) {
	session = s;
	if (s) {
		learnOffset(s.expires_at);
		sessionStorage.setItem(KEY, JSON.stringify(s));
	} else {
		sessionStorage.removeItem(KEY);
	}
}

// fn() runs when the server says the session is over (401).
export function onExpired(fn) {
	expired = fn;
}

// A fresh client_id: 32 hex digits. crypto.randomUUID needs a secure
// context, which a shop's http://192.168.x.y is not; getRandomValues
// works everywhere.
export function clientId() {
	const b = crypto.getRandomValues(new Uint8Array(16));
	return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

// api('GET', '/api/v1/stock?low=1') -> the parsed reply (null for 204);
// a 4xx or 5xx throws ApiError with the server's code and details.
export async function api(method, path, body) {
	const s = getSession();
	const headers = {};
	if (s)
		headers.Authorization = 'Bearer ' + s.token;
	if (body !== undefined)
		headers['Content-Type'] = 'application/json';
	let res;
	try {
		res = await fetch(path, {
			method,
			headers,
			body: body === undefined ? undefined : JSON.stringify(body),
			cache: 'no-store',
			credentials: 'omit',
		});
	} catch (e) {
		throw new ApiError(0, 'network', '无法连接服务器');
	}
	const text = await res.text();
	let json = null;
	if (text !== '') {
		try {
			json = JSON.parse(text);
		} catch (e) {
			json = null;
		}
	}
	if (res.ok)
		return json;
	const err = (json && json.error) || {};
	const e = new ApiError(res.status, err.code || 'http_' + res.status,
	    err.message, err.details);
	if (res.status === 401 && s && path !== '/api/v1/sessions') {
		setSession(null);
		expired(e);
	}
	throw e;
}

// Every page of a list (following "next"), up to max items.
export async function listAll(path, max) {
	const out = [];
	const sep = path.includes('?') ? '&' : '?';
	let cursor = null;
	max = max || 5000;
	do {
		const r = await api('GET', path + sep + 'limit=500' +
		    (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
		out.push(...r.items);
		cursor = r.next;
	} while (cursor && out.length < max);
	return out;
}

// Query string from an object, skipping empty values.
export function qs(params) {
	const p = new URLSearchParams();
	for (const [k, v] of Object.entries(params))
		if (v !== null && v !== undefined && v !== '')
			p.set(k, String(v));
	const s = p.toString();
	return s ? '?' + s : '';
}
