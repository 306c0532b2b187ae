using AiOs.Workforce.Coordinator;
using AiOs.Workforce.Playbooks;
using AiOs.Workforce.Roles;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Benchmarks.Harness;

/// <summary>Durable steps (issue #4): 3-step goals whose steps are no-ops, run by the coordinator on PostgreSQL with
/// every step transition checkpointed, at concurrency 1 and 64; one operation is one goal submitted and seen done. Beside
/// it, the ceiling: a bare PostgreSQL loop that commits the same three step checkpoints (and the goal row) with nothing
/// else around them (<see cref="BareStepInserts"/>).</summary>
public static class GoalHarness
{
    public const int StepsPerGoal = 3;

    private const string Playbook = "noop-3";

    public static async Task<IReadOnlyList<LoadResult>> RunAsync(TimeSpan duration, TimeSpan warmup)
    {
        var postgres = Environment.GetEnvironmentVariable("AIOS_BENCH_POSTGRES");
        if (string.IsNullOrEmpty(postgres))
        {
            Console.Error.WriteLine("AIOS_BENCH_POSTGRES is not set: goals not measured (bash benchmarks/run.sh sets it).");
            return [];
        }

        var results = new List<LoadResult>();
        // Profiling mode (benchmarks/README.md, "Where a goal's time goes"): only the goals, at one concurrency, with the
        // grain calls they made counted per method.
        if (Environment.GetEnvironmentVariable("AIOS_BENCH_GOALS_PROFILE") is { Length: > 0 } profiled)
        {
            results.Add(await RunGoalsAsync(postgres, int.Parse(profiled, System.Globalization.CultureInfo.InvariantCulture), duration, warmup, printCalls: true));
            return results;
        }

        foreach (var concurrency in new[] { 1, 64 })
        {
            results.Add(await BareStepInserts.RunAsync(postgres, concurrency, duration, warmup));
            results.Add(await RunGoalsAsync(postgres, concurrency, duration, warmup));
        }

        return results;
    }

    private static async Task<LoadResult> RunGoalsAsync(string postgres, int concurrency, TimeSpan duration, TimeSpan warmup, bool printCalls = false)
    {
        var schema = $"bench_{Guid.NewGuid():N}"[..20];
        await using var silo = await BenchmarkSilo.StartAsync(
            services =>
            {
                services.AddAiOsPostgreSqlStorage(o => (o.ConnectionString, o.Schema) = (postgres, schema));
                services.AddAiOsWorkforce(o =>
                {
                    // A role that needs no model: its task's result is its instructions.
                    o.Roles.Add(new RoleContract("noop", "anything", "its instructions", TaskKind: "none"));
                    o.Playbooks.Add(new Playbook(Playbook, [], new Plan(
                    [
                        new PlannedTask("a", "noop", "step a"),
                        new PlannedTask("b", "noop", "step b", ["a"]),
                        new PlannedTask("c", "noop", "step c", ["b"]),
                    ])));
                });
            },
            grains: s => s.AddGrains(typeof(CoordinatorGrain).Assembly));
        var next = 0L;
        using var commands = printCalls ? new DatabaseCommandMeter() : null;
        var result = await LoadRunner.RunAsync($"3-step goal (PostgreSQL)", concurrency, _ => async () =>
        {
            var goal = silo.GrainFactory.GetGrain<ICoordinatorGrain>($"g{Interlocked.Increment(ref next)}");
            var status = await goal.Submit(new GoalRequest("no-op", Playbook: Playbook));

            // The coordinator runs the goal on its own timer and notifies nobody: poll. At 1 ms this adds up to 1 ms to
            // a goal's latency but nothing to throughput at 64 goals in flight.
            while (status.Phase is not (GoalPhase.Done or GoalPhase.Failed or GoalPhase.WaitingForApproval))
            {
                await Task.Delay(1);
                status = await goal.Status();
            }

            if (status.Phase != GoalPhase.Done)
            {
                throw new InvalidOperationException($"goal {status.GoalId} ended {status.Phase}: {status.Escalation}");
            }
        }, duration, warmup);
        if (printCalls)
        {
            // Counted over warmup and run together, so divided by every goal submitted.
            var goals = Interlocked.Read(ref next);
            var calls = silo.Services.GetRequiredService<AiOs.Runtime.Metrics.RuntimeInstruments>().Statistics.Snapshot();
            Console.WriteLine($"grain calls per goal ({goals} goals, concurrency {concurrency}):");
            Console.WriteLine("| grain type | method | calls/goal | mean ms |");
            Console.WriteLine("|---|---|---:|---:|");
            foreach (var method in calls.OrderByDescending(c => c.Calls))
            {
                Console.WriteLine($"| {method.GrainType} | {method.Method} | {(double)method.Calls / goals:F1} | {method.MeanLatency.TotalMilliseconds:F2} |");
            }

            var (count, seconds) = commands!.Totals;
            Console.WriteLine($"database commands per goal: {(double)count / goals:F1}, {seconds * 1000 / goals:F1} ms in them per goal (mean {seconds * 1000 / count:F2} ms each)");
            Console.WriteLine("| statement (first words) | per goal |");
            Console.WriteLine("|---|---:|");
            foreach (var (statement, n) in commands.Statements.Take(15))
            {
                Console.WriteLine($"| `{statement}` | {(double)n / goals:F1} |");
            }
        }

        return result;
    }
}
