import type { ChannelEffectivenessReport } from '../../../domain/reports/channel-effectiveness.js';
import type { MessageChannel } from '../../../domain/reports/ledger.js';
import { countText, dayText, ratioText } from './format.js';
import { FigureTable } from './figure-table.js';
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
      <FigureTable
        name="channel-effectiveness"
        caption={`Messages per channel sent from ${period}`}
        rowKey="channel"
        headings={['Channel', 'Followed by payment', 'Decided', 'Window still open', 'Share']}
        rows={report.channels.map((channel) => ({
          key: channel.channel,
          heading: CHANNEL_NAMES[channel.channel],
          cells: [{ text: countText(channel.followedByPayment) }, { text: countText(channel.decided) }, { text: countText(channel.pending) }, { text: share(channel.ratio) }],
        }))}
      />
    </figure>
  );
}
