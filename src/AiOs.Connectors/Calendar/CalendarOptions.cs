namespace AiOs.Connectors.Calendar;

/// <summary>The calendar connector's settings (section <c>AiOs:Connectors:Calendar</c>). With a feed token set, the host
/// serves the events that <c>calendar.event</c> actions created as an iCalendar feed at
/// <c>/calendar/&lt;FeedToken&gt;.ics</c>, which the operator subscribes to from any calendar app (apps cannot send an API
/// key, so the unguessable token in the address is the credential: treat it as a secret).</summary>
public sealed class CalendarOptions
{
    public const string SectionName = "AiOs:Connectors:Calendar";

    /// <summary>The secret part of the feed's address (at least 24 characters); no calendar connector without it.</summary>
    public string? FeedToken { get; set; }

    /// <summary>The calendar's name as apps show it.</summary>
    public string CalendarName { get; set; } = "AiOs";

    /// <summary>Events last this long when the action gives no end.</summary>
    public TimeSpan DefaultDuration { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Records the event in the action's ledger result without putting it in the feed.</summary>
    public bool DryRun { get; set; }

    /// <summary>Most events the feed lists (the newest).</summary>
    public int MaxEvents { get; set; } = 2000;

    public IEnumerable<string> Problems()
    {
        if (FeedToken is null)
        {
            yield break;
        }

        if (FeedToken.Length < 24 || !FeedToken.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            yield return $"{SectionName}:FeedToken must be at least 24 letters, digits, '-' or '_' (it is the feed's credential)";
        }

        if (string.IsNullOrWhiteSpace(CalendarName))
        {
            yield return $"{SectionName}:CalendarName must not be empty";
        }

        if (DefaultDuration <= TimeSpan.Zero)
        {
            yield return $"{SectionName}:DefaultDuration must be positive";
        }

        if (MaxEvents is < 1 or > 100_000)
        {
            yield return $"{SectionName}:MaxEvents must be 1-100000";
        }
    }
}
