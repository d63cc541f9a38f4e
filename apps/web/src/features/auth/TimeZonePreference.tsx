import { setDisplayZone, useDisplayZone, utcOffsetLabel, type DisplayZone } from '../../lib/time-zone';

/**
 * Account → Preferences: the zone every time in the app is shown in — India Standard Time (the
 * market's, the default) or this browser's. Kept in this browser; the page reloads so that every
 * time follows at once.
 *
 * Test id: display-zone (a select: IST | local)
 */
export function TimeZonePreference() {
  const zone = useDisplayZone();
  return (
    <label className="field">
      <span className="field-label">Show times in</span>
      <select
        className="input"
        value={zone}
        data-testid="display-zone"
        onChange={(e) => {
          setDisplayZone(e.target.value as DisplayZone, { persist: true });
          window.location.reload();
        }}
      >
        <option value="IST">India Standard Time (IST, the market’s)</option>
        <option value="local">This browser’s time zone ({utcOffsetLabel()})</option>
      </select>
    </label>
  );
}
