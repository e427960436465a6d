import type { ChannelEffectivenessReport } from '../../../domain/reports/channel-effectiveness.js';
import type { MessageChannel } from '../../../domain/reports/ledger.js';
import { countText, dayText, ratioText } from './format.js';
import { HorizontalBars } from './horizontal-bars.js';
import { BAR_COLOUR } from './palette.js';

const CHANNEL_NAMES: Record<MessageChannel, string> = { email: 'Email', sms: 'SMS', letter: 'Letter', call_task: 'Call task' };

/** Per channel, the share of messages followed by a payment within the window. */
export function ChannelEffectivenessChart({ report }: { report: ChannelEffectivenessReport }) {
  const period = `${dayText(report.from)} to ${dayText(report.to)}`;
  if (report.channels.every((channel) => channel.decided === 0 && channel.pending === 0)) return <p class="empty no-data">No messages sent from {period}.</p>;
  const share = (ratio: number | null) => (ratio === null ? 'no figure' : ratioText(ratio));
  return (
    <figure class="report-figure" data-report="channel-effectiveness">
      <figcaption>
        Messages followed by a payment within {report.windowDays} days, sent from {period}
      </figcaption>
      <HorizontalBars
        id="channels"
        title={`Messages followed by a payment within ${report.windowDays} days, sent from ${period}`}
        description={report.channels.map((channel) => `${CHANNEL_NAMES[channel.channel]}: ${channel.ratio === null ? 'no figure' : `${ratioText(channel.ratio)}, ${channel.followedByPayment} of ${channel.decided}`}`).join('; ') + '.'}
        categoryAxisTitle="Channel"
        valueAxisTitle={`Followed by a payment within ${report.windowDays} days (%)`}
        max={100}
        tickText={(value) => `${value} %`}
        data={{ chart: 'channel-effectiveness' }}
        rows={report.channels.map((channel) => ({
          label: CHANNEL_NAMES[channel.channel],
          valueText: share(channel.ratio),
          segments: channel.ratio === null ? [] : [{ key: channel.channel, value: channel.ratio * 100, colour: BAR_COLOUR, tooltip: `${CHANNEL_NAMES[channel.channel]}: ${ratioText(channel.ratio)}` }],
        }))}
      />
      <table class="report-table" data-table="channel-effectiveness">
        <caption>Messages per channel sent from {period}</caption>
        <thead>
          <tr>
            <th scope="col">Channel</th>
            <th scope="col">Followed by payment</th>
            <th scope="col">Decided</th>
            <th scope="col">Window still open</th>
            <th scope="col">Share</th>
          </tr>
        </thead>
        <tbody>
          {report.channels.map((channel) => (
            <tr data-channel={channel.channel}>
              <th scope="row">{CHANNEL_NAMES[channel.channel]}</th>
              <td class="num">{countText(channel.followedByPayment)}</td>
              <td class="num">{countText(channel.decided)}</td>
              <td class="num">{countText(channel.pending)}</td>
              <td class="num">{share(channel.ratio)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
