using AiOs.Workforce.Schedules;

namespace AiOs.Workforce.Tests.Schedules;

/// <summary>Cron expressions and time zones: a mistake is reported by the field that holds it; valid expressions give the
/// run times an operator expects, in their time zone, across daylight-saving changes.</summary>
public sealed class CronScheduleTests
{
    [Theory]
    [InlineData("61 0 9 ? * MON", "seconds")]
    [InlineData("0 60 9 ? * MON", "minutes")]
    [InlineData("0 0 25 ? * MON", "hours")]
    [InlineData("0 0 9 32 * ?", "day-of-month")]
    [InlineData("0 0 9 ? 13 *", "month")]
    [InlineData("0 0 9 ? * FUNDAY", "day-of-week")]
    [InlineData("0 0 9 ? * MON 1800", "year")]
    public void InvalidField_IsNamed(string expression, string field)
    {
        var problem = CronSchedule.Check(expression);

        Assert.NotNull(problem);
        Assert.Contains($"the {field} field", problem, StringComparison.Ordinal);
        foreach (var other in CronSchedule.FieldNames.Where(f => f != field && !field.Contains(f, StringComparison.Ordinal) && !f.Contains(field, StringComparison.Ordinal)))
        {
            Assert.DoesNotContain($"the {other} field", problem, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("0 0 9 * * MON", "exactly one of the day-of-month field")]
    [InlineData("0 9 * * MON", "has 5 fields; expected 6 or 7")]
    [InlineData("", "empty")]
    public void WrongShape_IsExplained(string expression, string expected)
    {
        Assert.Contains(expected, CronSchedule.Check(expression), StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownTimeZone_IsRefused()
    {
        var error = Assert.Throws<ArgumentException>(() => CronSchedule.Parse("0 0 9 ? * MON", "Mars/Olympus_Mons"));

        Assert.Contains("time zone 'Mars/Olympus_Mons' is not known", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WeeklyInBerlin_RunsAtNineLocal_InWinterAndSummer()
    {
        var cron = CronSchedule.Parse("0 0 9 ? * MON", "Europe/Berlin");

        // Monday 9:00 in Berlin is 8:00 UTC in winter (CET) and 7:00 UTC in summer (CEST, from 29 March 2026).
        Assert.Equal(new DateTimeOffset(2026, 1, 12, 8, 0, 0, TimeSpan.Zero), cron.NextAfter(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero)));
        Assert.Equal(new DateTimeOffset(2026, 3, 30, 7, 0, 0, TimeSpan.Zero), cron.NextAfter(new DateTimeOffset(2026, 3, 24, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void ScheduleRules_RefuseBothOrNeitherTiming_AndAMissingGoal()
    {
        var goal = new GoalTemplate("write the weekly report");

        Assert.Contains("either cron", ScheduleRules.Check(new ScheduleSpec("x", "0 0 9 ? * MON", DateTimeOffset.UnixEpoch, null, goal)), StringComparison.Ordinal);
        Assert.Contains("either cron", ScheduleRules.Check(new ScheduleSpec("x", null, null, null, goal)), StringComparison.Ordinal);
        Assert.Contains("goal.text", ScheduleRules.Check(new ScheduleSpec("x", "0 0 9 ? * MON", null, null, new GoalTemplate(" "))), StringComparison.Ordinal);
        Assert.Null(ScheduleRules.Check(new ScheduleSpec("x", "0 0 9 ? * MON", null, "Europe/Berlin", goal)));
    }
}
