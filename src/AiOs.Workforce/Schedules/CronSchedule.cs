using Quartz;

namespace AiOs.Workforce.Schedules;

/// <summary>A cron expression (Quartz syntax: seconds, minutes, hours, day-of-month, month, day-of-week and an optional
/// year) in a time zone, checked so that a mistake is reported by the field that holds it. Quartz's own parser says what
/// is wrong but not where, so each field is tried on its own in an expression that is valid everywhere else.</summary>
public sealed class CronSchedule
{
    /// <summary>The fields in order, as errors name them.</summary>
    public static IReadOnlyList<string> FieldNames { get; } = ["seconds", "minutes", "hours", "day-of-month", "month", "day-of-week", "year"];

    private readonly CronExpression _expression;

    private CronSchedule(CronExpression expression, TimeZoneInfo timeZone)
    {
        _expression = expression;
        TimeZone = timeZone;
    }

    public TimeZoneInfo TimeZone { get; }

    /// <summary>The first time strictly after <paramref name="after"/> that the expression matches; null when it never
    /// matches again (e.g. a year in the past).</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset after) => _expression.GetNextValidTimeAfter(after);

    /// <summary>Parses <paramref name="expression"/> in <paramref name="timeZoneId"/> (an IANA id such as
    /// <c>Europe/Berlin</c>; UTC when empty).</summary>
    /// <exception cref="ArgumentException">The expression or the time zone is not valid; the message names the field.</exception>
    public static CronSchedule Parse(string expression, string? timeZoneId)
    {
        var timeZone = ParseTimeZone(timeZoneId);
        var problem = Check(expression);
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(expression));
        }

        return new CronSchedule(new CronExpression(expression.Trim()) { TimeZone = timeZone }, timeZone);
    }

    /// <summary>The time zone of <paramref name="timeZoneId"/>, UTC when empty.</summary>
    /// <exception cref="ArgumentException">No such time zone.</exception>
    public static TimeZoneInfo ParseTimeZone(string? timeZoneId) =>
        TimeZoneProblem(timeZoneId) is { } problem ? throw new ArgumentException(problem, nameof(timeZoneId))
        : string.IsNullOrWhiteSpace(timeZoneId) ? TimeZoneInfo.Utc
        : TimeZoneInfo.FindSystemTimeZoneById(timeZoneId.Trim());

    /// <summary>Why <paramref name="timeZoneId"/> is not a known time zone, or null (empty means UTC).</summary>
    public static string? TimeZoneProblem(string? timeZoneId)
    {
        if (string.IsNullOrWhiteSpace(timeZoneId))
        {
            return null;
        }

        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(timeZoneId.Trim());
            return null;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return $"time zone '{timeZoneId}' is not known; use an IANA id such as 'Europe/Berlin' or 'America/New_York'";
        }
    }

    /// <summary>What is wrong with <paramref name="expression"/>, naming the field, or null when it is valid.</summary>
    public static string? Check(string? expression)
    {
        if (string.IsNullOrWhiteSpace(expression))
        {
            return "cron expression is empty; expected 6 or 7 fields: seconds minutes hours day-of-month month day-of-week [year]";
        }

        var fields = expression.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length is < 6 or > 7)
        {
            return $"cron expression '{expression}' has {fields.Length} fields; expected 6 or 7: seconds minutes hours day-of-month month day-of-week [year]" +
                (fields.Length == 5 ? " (Quartz syntax starts with a seconds field, e.g. '0 0 9 ? * MON')" : "");
        }

        for (var i = 0; i < fields.Length; i++)
        {
            if (FieldError(i, fields[i]) is { } error)
            {
                return $"cron expression '{expression}': the {FieldNames[i]} field '{fields[i]}' is not valid ({error})";
            }
        }

        if (fields.Length == 7 && new CronExpression($"0 0 0 ? * * {fields[6]}").GetNextValidTimeAfter(DateTimeOffset.UtcNow) is null)
        {
            return $"cron expression '{expression}': the year field '{fields[6]}' is not valid (it matches no year from now on)";
        }

        var dayOfMonthAsked = fields[3] != "?";
        var dayOfWeekAsked = fields[5] != "?";
        if (dayOfMonthAsked == dayOfWeekAsked)
        {
            return $"cron expression '{expression}': exactly one of the day-of-month field ('{fields[3]}') and the day-of-week field ('{fields[5]}') must be '?'";
        }

        return Error(string.Join(' ', fields)) is { } whole ? $"cron expression '{expression}' is not valid ({whole})" : null;
    }

    // The field at `index` inside an expression that is valid in every other field; day-of-month and day-of-week each need
    // the other to be '?'.
    private static string? FieldError(int index, string field)
    {
        string[] probe = ["0", "0", "0", "?", "*", "*"];
        if (index == 6)
        {
            probe = [.. probe, field];
        }
        else
        {
            probe[index] = field;
            if (index == 3)
            {
                probe[5] = "?";
                if (field == "?")
                {
                    probe[5] = "*";
                }
            }
            else if (index == 5 && field == "?")
            {
                probe[3] = "*";
            }
        }

        return Error(string.Join(' ', probe));
    }

    private static string? Error(string expression)
    {
        try
        {
            CronExpression.ValidateExpression(expression);
            return null;
        }
        catch (FormatException ex)
        {
            return ex.Message;
        }
    }
}
