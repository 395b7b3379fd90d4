// RFC 3339 date-times as Kubernetes writes them (`2025-03-10T09:45:00Z`, `2025-03-10T10:45:00.5+01:00`), strictly:
// Date.parse alone takes "March 3", and it reads 2025-02-30 as 2 March.

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/** The instant `text` names, or undefined when it is not a valid RFC 3339 date-time (a 30 February, a 24:00, ...). */
export function parseRfc3339(text: string): Date | undefined {
  const match = RFC3339.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const [sign, offsetHours, offsetMinutes] = [match[8], Number(match[9] ?? 0), Number(match[10] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return undefined;
  // The calendar check: a date that does not exist rolls over into another month, which the components then disagree with.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  const fraction = match[7] ? Number(match[7]) * 1000 : 0;
  const offset = (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  return new Date(date.getTime() + ((hour * 60 + minute) * 60 + second) * 1000 + fraction - offset);
}
