using System.CommandLine;
using System.Globalization;
using AiOs.Api.V1;
using AiOs.Client;
using Google.Protobuf.WellKnownTypes;
using Spectre.Console;

namespace AiOs.Cli.Commands;

/// <summary><c>aios schedules create|list|get|pause|resume|delete</c>.</summary>
internal static class SchedulesCommands
{
    public static Command Create(CommandRunner runner)
    {
        var command = new Command("schedules", "Recurring goals (cron) and one-off delayed goals");
        command.Subcommands.Add(CreateSchedule(runner));
        command.Subcommands.Add(List(runner));
        command.Subcommands.Add(Single(runner, "get", "Show a schedule", (c, id, ct) => c.GetScheduleAsync(id, new CallOptions(CancellationToken: ct))));
        command.Subcommands.Add(Single(runner, "pause", "Pause a schedule (runs due meanwhile are not made up)", (c, id, ct) => c.PauseScheduleAsync(id, new CallOptions(CancellationToken: ct))));
        command.Subcommands.Add(Single(runner, "resume", "Resume a schedule from its next time after now", (c, id, ct) => c.ResumeScheduleAsync(id, new CallOptions(CancellationToken: ct))));
        command.Subcommands.Add(Delete(runner));
        return command;
    }

    private static Command CreateSchedule(CommandRunner runner)
    {
        var goal = new Argument<string>("goal") { Description = "What each run should achieve, in words" };
        var name = new Option<string?>("--name") { Description = "The schedule's name (default: the goal text)" };
        var id = new Option<string?>("--id") { Description = "The schedule's id (default: generated)" };
        var cron = new Option<string?>("--cron") { Description = "Quartz cron with seconds, e.g. \"0 0 9 ? * MON\" (Mondays 9:00)" };
        var zone = new Option<string?>("--tz") { Description = "IANA time zone of --cron, e.g. Europe/Berlin (default UTC)" };
        var at = new Option<string?>("--at") { Description = "One run at this time (ISO 8601, e.g. 2026-03-02T09:00:00+01:00)" };
        var after = new Option<string?>("--in") { Description = "One run after this long, e.g. 3d, 4h, 30m" };
        var playbook = new Option<string?>("--playbook") { Description = "Run this stored playbook" };
        var customer = new Option<string?>("--customer") { Description = "The customer the goal is for" };
        var budget = new Option<string?>("--budget") { Description = SpendCommands.BudgetDescription + " (each run's goal)" };
        var allowOverlap = new Option<bool>("--allow-overlap") { Description = "Start a run even while the previous run's goal is still going (default: skip it)" };
        var command = new Command("create", "Create a schedule: --cron (recurring) or --at/--in (one-off)") { goal, name, id, cron, zone, at, after, playbook, customer, budget, allowOverlap };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var text = parse.GetRequiredValue(goal);
            var schedule = new Schedule
            {
                ScheduleId = parse.GetValue(id) ?? "",
                Name = parse.GetValue(name) ?? (text.Length <= 80 ? text : text[..80]),
                TimeZone = parse.GetValue(zone) ?? "",
                Goal = new GoalTemplate
                {
                    Text = text,
                    Playbook = parse.GetValue(playbook) ?? "",
                    CustomerId = parse.GetValue(customer) ?? "",
                    Budget = SpendCommands.GoalBudget(parse.GetValue(budget)),
                },
                Overlap = parse.GetValue(allowOverlap) ? OverlapPolicy.Allow : OverlapPolicy.Skip,
            };
            var timings = new[] { parse.GetValue(cron), parse.GetValue(at), parse.GetValue(after) }.Count(t => t is not null);
            if (timings != 1)
            {
                runner.Context.Error.WriteLine("give exactly one of --cron, --at or --in");
                return ExitCodes.Usage;
            }

            if (parse.GetValue(cron) is { } expression)
            {
                schedule.Cron = expression;
            }
            else if (parse.GetValue(at) is { } time)
            {
                if (!DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.None, out var runAt))
                {
                    runner.Context.Error.WriteLine($"--at '{time}' is not a time; use ISO 8601, e.g. 2026-03-02T09:00:00+01:00");
                    return ExitCodes.Usage;
                }

                schedule.RunAt = Timestamp.FromDateTimeOffset(runAt);
            }
            else if (Duration(parse.GetValue(after)!) is { } delay)
            {
                schedule.RunAt = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow + delay);
            }
            else
            {
                runner.Context.Error.WriteLine($"--in '{parse.GetValue(after)}' is not a duration; use e.g. 3d, 4h or 30m");
                return ExitCodes.Usage;
            }

            // A retry after a lost answer creates nothing new.
            var request = new CreateScheduleRequest { Schedule = schedule, RequestId = Guid.NewGuid().ToString("N") };
            WriteSchedule(runner, await client.CreateScheduleAsync(request, new CallOptions(CancellationToken: ct)).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(CommandRunner runner)
    {
        var paused = new Option<bool>("--paused") { Description = "Only paused schedules" };
        var command = new Command("list", "List schedules, soonest next run first") { paused };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var request = new ListSchedulesRequest();
            if (parse.GetValue(paused))
            {
                request.Statuses.Add(ScheduleStatus.Paused);
            }

            var schedules = await client.ListSchedulesAsync(request, new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            runner.Context.Write(schedules, t =>
            {
                t.AddColumns("schedule", "name", "when", "status", "next run", "runs", "skipped", "budget");
                foreach (var s in schedules.Schedules)
                {
                    t.AddRow(Row(s));
                }
            });
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Single(CommandRunner runner, string verb, string description, Func<AiOsClient, string, CancellationToken, Task<Schedule>> call)
    {
        var id = new Argument<string>("schedule-id");
        var command = new Command(verb, description) { id };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            WriteSchedule(runner, await call(client, parse.GetRequiredValue(id), ct).ConfigureAwait(false));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Delete(CommandRunner runner)
    {
        var id = new Argument<string>("schedule-id");
        var command = new Command("delete", "Delete a schedule (goals it started are not touched)") { id };
        runner.SetAction(command, async (parse, client, ct) =>
        {
            var response = await client.DeleteScheduleAsync(parse.GetRequiredValue(id), new CallOptions(CancellationToken: ct)).ConfigureAwait(false);
            runner.Context.Write(response, t => t.AddColumns("deleted").AddRow(parse.GetRequiredValue(id)));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void WriteSchedule(CommandRunner runner, Schedule schedule)
    {
        runner.Context.Write(schedule, t => t.AddColumns("schedule", "name", "when", "status", "next run", "runs", "skipped", "budget").AddRow(Row(schedule)));
        if (!runner.Context.JsonOutput)
        {
            foreach (var skip in schedule.RecentSkips)
            {
                runner.Context.Say($"skipped {KeysCommands.Time(skip.Occurrence)}: {skip.Reason}");
            }
        }
    }

    private static string[] Row(Schedule s) =>
    [
        s.ScheduleId,
        s.Name,
        s.TimingCase == Schedule.TimingOneofCase.Cron ? $"{s.Cron} {(s.TimeZone.Length > 0 ? s.TimeZone : "UTC")}" : $"once at {KeysCommands.Time(s.RunAt)}",
        s.Status.ToString(),
        KeysCommands.Time(s.NextRunAt),
        s.Runs.ToString(CultureInfo.InvariantCulture),
        s.SkippedRuns.ToString(CultureInfo.InvariantCulture),
        SpendCommands.Amount(s.Goal?.Budget),
    ];

    // "3d", "4h", "30m", "90s", or a TimeSpan ("1.12:00:00").
    private static TimeSpan? Duration(string text)
    {
        if (text.Length >= 2 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount > 0)
        {
            TimeSpan? unit = char.ToLowerInvariant(text[^1]) switch
            {
                'd' => TimeSpan.FromDays(1),
                'h' => TimeSpan.FromHours(1),
                'm' => TimeSpan.FromMinutes(1),
                's' => TimeSpan.FromSeconds(1),
                _ => null,
            };
            return unit * amount;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero ? span : null;
    }
}
