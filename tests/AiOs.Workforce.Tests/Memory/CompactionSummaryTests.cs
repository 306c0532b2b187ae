using System.Text;
using AiOs.Memory;
using AiOs.Persistence.Memory;
using AiOs.Persistence.Spend;
using AiOs.Testing;
using AiOs.Workforce.Budgets;
using AiOs.Workforce.Models;
using AiOs.Workforce.Tests.Models;
using AiOs.Workforce.Tests.Storage;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace AiOs.Workforce.Tests.Memory;

/// <summary>A scope's maintenance, run through its grain in a silo with the workforce, summarises old interactions with the
/// compaction tier's model: the answer becomes the summary, linked to its sources, and the call is charged to the
/// customer; a budget refusal or a failing model leaves the extractive summary, and an overlong answer is cut to fit.</summary>
public abstract class CompactionSummaryTests(ITestStorage storage, ITestOutputHelper output) : WorkforceTestBase(storage, output)
{
    private const string Answer = "Acme renewed for two years at 12,000 EUR; Sam wants invoices by e-mail.";

    private static readonly string[] Interactions =
    [
        "Sam from Acme called about the renewal. They want two more years.",
        "Agreed the renewal at 12,000 EUR a year. Sam confirmed by phone.",
        "Sam asked for invoices by e-mail rather than post. Noted for billing.",
    ];

    [Fact]
    public async Task ModelAnswer_BecomesTheSummary_LinkedToItsSources_FromInteractionsInThePrompt_AndIsChargedToTheCustomer()
    {
        var model = new ScriptedChatClient((_, _) => ScriptedChatClient.Text(Answer, inputTokens: 300, outputTokens: 40));
        var silo = await StartAsync(model);
        var customerId = NewId("cust");
        var scope = MemoryScope.Customer(customerId);
        var sources = await AddOldInteractionsAsync(silo, scope, Interactions);

        var (made, _) = await silo.GrainFactory.GetGrain<IMemoryScopeGrain>(MemoryScopeGrain.KeyOf(scope)).Maintain();

        Assert.Equal(1, made);
        var summary = Assert.Single(await SummariesAsync(silo, scope));
        Assert.Equal(Answer, summary.Text);
        Assert.Equal(sources, summary.SourceItemIds);
        Assert.Equal("compaction", summary.Provenance.Source);
        Assert.Empty(await InteractionsAsync(silo, scope));

        var (messages, options) = Assert.Single(model.Requests);
        var prompt = string.Join("\n", messages.Select(m => m.Text));
        Assert.All(Interactions, text => Assert.Contains(text, prompt, StringComparison.Ordinal));
        Assert.Equal(ModelMemorySummarizer.MaxOutputTokens, options?.MaxOutputTokens);

        var spent = Assert.Single(await silo.Services.GetRequiredService<ISpendStore>().QuerySpendAsync(Today(SpendGrouping.Role, customerId)));
        Assert.Equal(ModelMemorySummarizer.Role, spent.Key);
        Assert.Equal((1, 300, 40), (spent.Calls, spent.InputTokens, spent.OutputTokens));
        Assert.Equal((300 * 1_000) + (40 * 2_000), spent.CostMicros);
    }

    [Fact]
    public async Task CustomerBudgetReached_MakesNoCall_AndTheSummaryIsExtractive()
    {
        var model = new ScriptedChatClient((_, _) => ScriptedChatClient.Text(Answer));
        var silo = await StartAsync(model);
        var customerId = NewId("cust");
        var scope = MemoryScope.Customer(customerId);
        var sources = await AddOldInteractionsAsync(silo, scope, Interactions);
        await silo.GrainFactory.GetGrain<IBudgetsGrain>(BudgetsGrain.Key).Set(BudgetScope.Customer, customerId, 0, "operator");

        await silo.GrainFactory.GetGrain<IMemoryScopeGrain>(MemoryScopeGrain.KeyOf(scope)).Maintain();

        Assert.Equal(0, model.Calls);
        var summary = Assert.Single(await SummariesAsync(silo, scope));
        Assert.Equal(sources, summary.SourceItemIds);
        Assert.StartsWith("Summary of 3 interactions", summary.Text, StringComparison.Ordinal);
        Assert.Contains("Sam from Acme called about the renewal.", summary.Text, StringComparison.Ordinal);
        Assert.Empty(await silo.Services.GetRequiredService<ISpendStore>().QuerySpendAsync(Today(SpendGrouping.Role, customerId)));
    }

    [Fact]
    public async Task FailingModel_LeavesTheExtractiveSummary_AndAnOverlongAnswerIsCutToTheItemLimit()
    {
        // Batches of two: the first call throws, the second answers with far more than an item may hold (in four-byte
        // characters, so a cut by characters alone would not be enough).
        var calls = 0;
        var overlong = string.Concat(Enumerable.Repeat("Renewal agreed 😀. ", 20_000));
        var model = new ScriptedChatClient((_, _) => Interlocked.Increment(ref calls) == 1
            ? throw new HttpRequestException("upstream said no to key sk-do-not-log")
            : ScriptedChatClient.Text(overlong));
        var silo = await StartAsync(model, memory => memory.CompactionBatch = 2);
        var scope = MemoryScope.Customer(NewId("cust"));
        var sources = await AddOldInteractionsAsync(silo, scope, [.. Interactions, "Sam sent the signed contract. Filed."]);

        var (made, _) = await silo.GrainFactory.GetGrain<IMemoryScopeGrain>(MemoryScopeGrain.KeyOf(scope)).Maintain();

        Assert.Equal(2, made);
        Assert.Equal(2, model.Calls);
        var summaries = (await SummariesAsync(silo, scope)).OrderBy(s => s.SourceItemIds[0] == sources[0] ? 0 : 1).ToList();
        Assert.Equal(sources, summaries.SelectMany(s => s.SourceItemIds));
        Assert.StartsWith("Summary of 2 interactions", summaries[0].Text, StringComparison.Ordinal);
        Assert.StartsWith("Renewal agreed 😀.", summaries[1].Text, StringComparison.Ordinal);
        Assert.InRange(summaries[1].Text.Length, 1, ModelMemorySummarizer.MaxSummaryChars);
        Assert.InRange(Encoding.UTF8.GetByteCount(summaries[1].Text), 1, MemoryService.MaxTextBytes);
        Assert.Empty(await InteractionsAsync(silo, scope));
    }

    private Task<TestSilo> StartAsync(IChatClient model, Action<MemoryOptions>? memory = null) => StartSiloAsync(Storage.NewDatabase(), services =>
    {
        services.AddAiOsWorkforce(models: m =>
        {
            m.Small.Model = "test-small";
            m.Large.Model = "test-large";
            m.Prices["test-small"] = new ModelPrice { InputPerMillion = 1_000m, OutputPerMillion = 2_000m };
            m.Prices["test-large"] = new ModelPrice { InputPerMillion = 100_000m, OutputPerMillion = 200_000m };
        });
        if (memory is not null)
        {
            services.Configure(memory);
        }

        // Only the small tier (the default for compaction) may be called.
        services.AddSingleton<IModelProviders>(new ScriptedModelProviders(model, new ScriptedChatClient((_, _) => throw new InvalidOperationException("large tier called"))));
    }, silo: silo => silo.AddGrains(typeof(MemoryScopeGrain).Assembly));

    private static async Task<List<string>> AddOldInteractionsAsync(TestSilo silo, MemoryScope scope, IEnumerable<string> texts)
    {
        var memory = silo.Services.GetRequiredService<MemoryService>();
        var at = DateTimeOffset.UtcNow.AddDays(-30);
        var ids = new List<string>();
        foreach (var text in texts)
        {
            at = at.AddHours(1);
            var (item, _) = await memory.AddAsync(new MemoryDraft(scope, MemoryKind.Interaction, text, new MemoryProvenance("email", "inbox", at)));
            ids.Add(item.ItemId);
        }

        return ids;
    }

    private static Task<IReadOnlyList<MemoryItem>> SummariesAsync(TestSilo silo, MemoryScope scope) =>
        silo.Services.GetRequiredService<MemoryService>().ListAllAsync(scope, new MemoryFilter(Kinds: [MemoryKind.Summary]));

    private static Task<IReadOnlyList<MemoryItem>> InteractionsAsync(TestSilo silo, MemoryScope scope) =>
        silo.Services.GetRequiredService<MemoryService>().ListAllAsync(scope, new MemoryFilter(Kinds: [MemoryKind.Interaction]));

    private static SpendQuery Today(SpendGrouping grouping, string customerId) =>
        new(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1), grouping, CustomerId: customerId);
}

[Trait("Category", "Integration")]
public sealed class SqliteCompactionSummaryTests(SqliteTestStorage storage, ITestOutputHelper output) : CompactionSummaryTests(storage, output), IClassFixture<SqliteTestStorage>;

[Trait("Category", "Integration")]
public sealed class PostgreSqlCompactionSummaryTests(PostgreSqlTestStorage storage, ITestOutputHelper output) : CompactionSummaryTests(storage, output), IClassFixture<PostgreSqlTestStorage>;
