using System.Globalization;
using System.Text;

namespace AiOs.Connectors.Calendar;

/// <summary>Writes an iCalendar feed (RFC 5545) by hand: CRLF line ends, content lines folded at 75 octets without
/// splitting a UTF-8 sequence (3.1), TEXT values escaped (3.3.11), times in UTC (3.3.5 form 2).</summary>
public static class IcsWriter
{
    public static string Write(string calendarName, IEnumerable<CalendarEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var ics = new StringBuilder();
        Line(ics, "BEGIN:VCALENDAR");
        Line(ics, "VERSION:2.0");
        Line(ics, "PRODID:-//AiOs//Calendar connector//EN");
        Line(ics, "CALSCALE:GREGORIAN");
        Line(ics, "METHOD:PUBLISH");
        Line(ics, "X-WR-CALNAME:" + Escape(calendarName));
        foreach (var e in events)
        {
            Line(ics, "BEGIN:VEVENT");
            Line(ics, "UID:" + Escape(e.Uid));
            Line(ics, "DTSTAMP:" + Utc(e.Stamp));
            Line(ics, "DTSTART:" + Utc(e.Start));
            Line(ics, "DTEND:" + Utc(e.End));
            Line(ics, "SUMMARY:" + Escape(e.Summary));
            if (!string.IsNullOrEmpty(e.Description))
            {
                Line(ics, "DESCRIPTION:" + Escape(e.Description));
            }

            if (!string.IsNullOrEmpty(e.Location))
            {
                Line(ics, "LOCATION:" + Escape(e.Location));
            }

            Line(ics, "END:VEVENT");
        }

        Line(ics, "END:VCALENDAR");
        return ics.ToString();
    }

    /// <summary>TEXT escaping: backslash, semicolon and comma get a backslash; a line break becomes <c>\n</c>.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(";", "\\;", StringComparison.Ordinal).Replace(",", "\\,", StringComparison.Ordinal)
            .ReplaceLineEndings("\\n");
    }

    private static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    // Folds after 75 octets: the continuation line starts with a space, which counts towards its own 75.
    private static void Line(StringBuilder ics, string line)
    {
        var octets = 0;
        var limit = 75;
        var i = 0;
        while (i < line.Length)
        {
            var length = char.IsSurrogatePair(line, i) ? 2 : 1;
            var size = Encoding.UTF8.GetByteCount(line.AsSpan(i, length));
            if (octets + size > limit)
            {
                ics.Append("\r\n ");
                octets = 1;
            }

            ics.Append(line, i, length);
            octets += size;
            i += length;
        }

        ics.Append("\r\n");
    }
}
