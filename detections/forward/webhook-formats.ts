import type { Alert } from '../alerts/model.js';
import { techniques } from './attack.js';

/**
 * Webhook bodies. `json` is the alert itself (its `alert_id` on top); `slack` is a Slack incoming
 * webhook message (`text` fallback plus Block Kit `blocks`); `teams` is a Microsoft Teams workflow
 * message carrying an Adaptive Card (the Office 365 connector MessageCard format is retired).
 * Every form carries the alert id, for receiver-side deduplication.
 */
function who(a: Alert): string {
  return [a.entity.user, a.entity.ip && `from ${a.entity.ip}`, a.entity.app && `to ${a.entity.app}`].filter(Boolean).join(' ');
}

/** Slack mrkdwn treats &, < and > as control characters (https://api.slack.com/reference/surfaces/formatting#escaping). */
function slackEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function facts(a: Alert): [string, string][] {
  const list: [string, string][] = [
    ['Severity', a.severity],
    ['Rule', a.rule_id],
    ['Events', String(a.event_count)],
    ['First seen', a.first_seen],
    ['Last seen', a.last_seen],
  ];
  if (a.entity.user) list.push(['User', a.entity.user]);
  if (a.entity.ip) list.push(['IP', a.entity.ip]);
  if (a.entity.app) list.push(['App', a.entity.app]);
  const tech = techniques(a.techniques);
  if (tech.length) list.push(['ATT&CK', tech.map((t) => `${t.id} ${t.name}`).join(', ')]);
  list.push(['Alert id', a.alert_id]);
  return list;
}

export function slackMessage(a: Alert): Record<string, unknown> {
  const title = `[${a.severity.toUpperCase()}] ${a.rule_title}`;
  return {
    text: slackEscape(`${title}: ${who(a)} (alert ${a.alert_id})`),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: title.slice(0, 150), emoji: false } },
      { type: 'section', text: { type: 'mrkdwn', text: slackEscape(a.explanation).slice(0, 3000) } },
      // A section holds at most 10 fields.
      { type: 'section', fields: facts(a).slice(0, 10).map(([k, v]) => ({ type: 'mrkdwn', text: `*${k}*\n${slackEscape(v)}`.slice(0, 2000) })) },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `alert_id: \`${a.alert_id}\`` }] },
    ],
  };
}

export function teamsMessage(a: Alert): Record<string, unknown> {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            { type: 'TextBlock', size: 'Large', weight: 'Bolder', text: a.rule_title, wrap: true },
            { type: 'TextBlock', text: a.explanation, wrap: true },
            { type: 'FactSet', facts: facts(a).map(([title, value]) => ({ title, value })) },
          ],
          msteams: { width: 'Full' },
        },
      },
    ],
  };
}

export function webhookBody(a: Alert, format: 'json' | 'slack' | 'teams'): Record<string, unknown> {
  if (format === 'slack') return slackMessage(a);
  if (format === 'teams') return teamsMessage(a);
  return { ...a };
}
