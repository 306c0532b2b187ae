using System.Diagnostics;
using AiOs.Api.Keys;
using AiOs.Api.Server;
using AiOs.Api.V1;
using AiOs.Client;
using AiOs.Workforce.Coordinator;
using AiOs.Workforce.Goals;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Benchmarks.Harness;

/// <summary>Goals/ListGoals through the API (issue #7) over two sets of goals in one silo (SQLite): goals whose index
/// entries carry their coordinator's summary (as every goal submitted now), and goals listed without one (as goals
/// submitted before the index kept statuses), which ListGoals still reads from their checkpoints: one coordinator call
/// per goal, as every list did before. Both sets wait for the operator (a playbook that does not exist), so no model is
/// called; their coordinators are active (a warm checkpoint read, not a storage read).</summary>
public static class GoalListHarness
{
    private const int GoalsPerSet = 500;

    public static async Task<IReadOnlyList<LoadResult>> RunAsync(TimeSpan duration, TimeSpan warmup)
    {
        var directory = Directory.CreateTempSubdirectory("aios-bench-goal-list");
        try
        {
            await using var silo = await BenchmarkSilo.StartAsync(
                storage: s =>
                {
                    s.AddAiOsSqliteStorage(o => o.DataDirectory = directory.FullName);
                    s.AddAiOsWorkforce();
                    s.AddAiOsApi(configure: o =>
                    {
                        o.Port = 0;
                        o.DataDirectory = directory.FullName;
                        o.GenerateInitialKey = false;
                    });
                },
                grains: s => s.AddGrains(typeof(CoordinatorGrain).Assembly));
            var (_, key) = await silo.Services.GetRequiredService<ApiKeyManager>().CreateAsync("bench", ApiKeyScopes.ReadOnly, "bench", CancellationToken.None);
            using var client = new AiOsClient(new AiOsClientOptions
            {
                Endpoint = new Uri(silo.Services.GetRequiredService<ApiEndpointAddress>().Address!),
                ApiKey = key,
            });

            var seedIndexed = await SeedAsync(silo.GrainFactory, "indexed", new DateTimeOffset(2026, 1, 2, 9, 0, 0, TimeSpan.Zero), summaries: true);
            var seedLegacy = await SeedAsync(silo.GrainFactory, "legacy", new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero), summaries: false);
            Console.WriteLine($"Seeded {GoalsPerSet} goals with summaries in {seedIndexed.TotalSeconds:N1} s, {GoalsPerSet} without in {seedLegacy.TotalSeconds:N1} s");

            var results = new List<LoadResult>();
            foreach (var (set, label) in new[] { ("legacy", "without summaries: a checkpoint read per goal, as before"), ("indexed", "with summaries: no checkpoint read") })
            {
                results.Add(await LoadRunner.RunAsync($"ListGoals, page of 50, {GoalsPerSet} goals {label}", 8, _ => async () =>
                    await client.ListGoalsAsync(new ListGoalsRequest { CustomerId = set, PageSize = 50 }), duration, warmup));
                results.Add(await LoadRunner.RunAsync($"ListGoals, status done (none is), {GoalsPerSet} goals {label}", 8, _ => async () =>
                    await client.ListGoalsAsync(new ListGoalsRequest { CustomerId = set, PageSize = 50, Statuses = { AiOs.Api.V1.GoalStatus.Done } }), duration, warmup));
            }

            return results;
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    // Lists the goals as the goal grain does and submits them to their coordinators: with summaries, the coordinator
    // knows where the goal is listed and reports to the index; without, it does not (a goal from before). Returns how
    // long it took until every goal's checkpoint (and, with summaries, its index entry) showed it waiting.
    private static async Task<TimeSpan> SeedAsync(IGrainFactory grains, string set, DateTimeOffset day, bool summaries)
    {
        var watch = Stopwatch.StartNew();
        var index = grains.GetGrain<IGoalIndexGrain>(GoalIndex.DayOf(day));
        await Parallel.ForEachAsync(Enumerable.Range(0, GoalsPerSet), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            var goalId = $"g-{set}-{i:D4}";
            var submittedAt = day.AddSeconds(i);
            await index.Add(new GoalListing(goalId, new GoalSubmission($"goal {i}", CustomerId: set, Playbook: "no-such-playbook", SubmittedAt: submittedAt)));
            await grains.GetGrain<ICoordinatorGrain>(goalId).Submit(
                new GoalRequest($"goal {i}", CustomerId: set, Playbook: "no-such-playbook", ListedAt: summaries ? submittedAt : null));
        });

        while (true)
        {
            var page = await index.Page(null, set, null, null, GoalsPerSet);
            var waiting = summaries
                ? page.Count(l => l.Summary?.Phase == GoalPhase.WaitingForApproval)
                : (await Task.WhenAll(page.Select(l => grains.GetGrain<ICoordinatorGrain>(l.GoalId).Status()))).Count(s => s.Phase == GoalPhase.WaitingForApproval);
            if (waiting == GoalsPerSet)
            {
                return watch.Elapsed;
            }

            await Task.Delay(50);
        }
    }
}
