/**
 * Which channels to try, in order, for an action that reaches a person: the action's own channel
 * first, then the fallbacks, leaving out channels the customer cannot be reached on.
 */
export type Channel = 'email' | 'sms' | 'letter' | 'call_task';

/** What a channel needs from the customer: SMS and calls both need the phone. */
export type ContactPoint = 'email' | 'phone' | 'postalAddress';

export type Reachability = Readonly<Record<ContactPoint, boolean>>;

const fallbacks: Record<Channel, readonly Channel[]> = {
  email: ['email', 'sms', 'letter'],
  sms: ['sms', 'email', 'letter'],
  letter: ['letter', 'email'],
  call_task: ['call_task', 'email', 'letter'],
};

export function contactPointOf(channel: Channel): ContactPoint {
  return channel === 'email' ? 'email' : channel === 'letter' ? 'postalAddress' : 'phone';
}

export function channelsToTry(action: Channel, reach: Reachability): Channel[] {
  return fallbacks[action].filter((channel) => reach[contactPointOf(channel)]);
}

/** Which contact points a customer has and that have not proved unusable. */
export function reachability(contact: { email?: string; phone?: string; postalAddress?: object }, unreachable: readonly ContactPoint[]): Reachability {
  const usable = (point: ContactPoint) => Boolean(contact[point]) && !unreachable.includes(point);
  return { email: usable('email'), phone: usable('phone'), postalAddress: usable('postalAddress') };
}
