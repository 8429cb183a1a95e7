/** The charger's security events (SecurityEventNotification and refused connections), newest first. */
import { formatTime, UNKNOWN } from '../../domain/format.js';
import { securityEvents } from '../api/endpoints.js';
import { fill, h, table } from './dom.js';
import { errorText } from './view.js';

export class SecurityPanel {
  readonly el = h('div', { class: 'panel' }, h('p', { class: 'note' }, 'Loading…'));

  constructor(private readonly chargerId: string) {}

  async refresh(): Promise<void> {
    try {
      const { items } = await securityEvents(this.chargerId, 20);
      fill(
        this.el,
        table(
          'Latest security events',
          ['Time', 'Type', 'Technical info', 'Source', 'Remote address'],
          items.map((e) => [formatTime(e.timestamp), h('code', {}, e.type), e.techInfo ?? UNKNOWN, e.source, e.remoteAddress ?? UNKNOWN]),
          'none recorded.',
        ),
      );
    } catch (err) {
      fill(this.el, h('p', { role: 'alert' }, `Security events could not be loaded: ${errorText(err)}`));
    }
  }
}
