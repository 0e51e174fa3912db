// How to join a meeting by phone, the same everywhere it is shown (meeting
// page, pre-join screen, the room's meeting info and ready card): the numbers
// as tel: links that dial the code after a pause, the code, and the SIP
// address. `dialIn` is the API's DialIn object (null when the gateway is off).

import { h, icon } from '../dom.js';

/** A <div class="dial-in"> with the ways to call in, or null without a gateway. */
export function dialInDetails(dialIn, { heading = 'Join by phone' } = {}) {
  if (!dialIn) return null;
  const code = h('strong', { class: 'mono' }, `${dialIn.code}#`);
  const numbers = dialIn.numbers.length
    ? h('ul', { class: 'dial-in-numbers' }, ...dialIn.numbers.map((n) =>
        h('li', null, h('a', { href: n.tel, class: 'mono' }, n.number))))
    : null;
  return h('div', { class: 'dial-in' },
    heading ? h('p', { class: 'dial-in-heading' }, icon('phone', 16), h('span', null, heading)) : null,
    numbers
      ? h('p', { class: 'small' }, 'Call ', dialIn.numbers.length === 1 ? 'this number' : 'one of these numbers', ', then enter ', code)
      : h('p', { class: 'small' }, 'Call this Parley server, then enter ', code),
    numbers,
    h('p', { class: 'small' }, 'From a SIP phone: ', h('a', { href: dialIn.sipUri, class: 'mono' }, dialIn.sipUri.replace(/^sip:/, ''))));
}
