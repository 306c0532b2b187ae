using System.Collections.Concurrent;
using System.Text;
using AiOs.Memory;
using AiOs.Persistence.Memory;
using AiOs.Workforce.Models;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AiOs.Workforce.Tests.Models;

/// <summary>The model-backed summarizer on its own: which tier it asks, what it sends, when it falls back to the extractive
/// summary, what it logs then, and how it cuts an overlong answer.</summary>
[Trait("Category", "Unit")]
public sealed class ModelMemorySummarizerTests
{
    private static readonly MemoryScope Scope = MemoryScope.Customer("acme");

    private static readonly IReadOnlyList<MemoryItem> Items =
    [
        Item("Sam called about the renewal. They want two more years."),
        Item("Agreed 12,000 EUR a year. Sam confirmed."),
    ];

    [Fact]
    public async Task AsksTheConfiguredCompactionTier_ForTheScopesCustomer()
    {
        var small = new ScriptedChatClient((_, _) => throw new InvalidOperationException("small tier called"));
        var large = new ScriptedChatClient((_, _) => ScriptedChatClient.Text("  Renewed for two years.  "));
        var (summarizer, _) = Create(small, large, ModelTier.Large);

        var text = await summarizer.SummarizeAsync(Scope, Items, default);

        Assert.Equal("Renewed for two years.", text);
        var (_, options) = Assert.Single(large.Requests);
        Assert.Equal("acme", ModelCallContext.Get(options, ModelCallContext.CustomerId));
        Assert.Equal(ModelMemorySummarizer.Role, ModelCallContext.Get(options, ModelCallContext.Role));
        Assert.Equal(0, small.Calls);
    }

    [Theory]
    [InlineData("beta", "beta", "beta")]
    [InlineData("beta", "gamma", null)]
    [InlineData(null, null, null)]
    public async Task OutsideACustomerScope_TheCallIsChargedToTheInteractionsCustomer_WhenTheyShareOne(string? first, string? second, string? charged)
    {
        var model = new ScriptedChatClient((_, _) => ScriptedChatClient.Text("Summary."));
        var (summarizer, _) = Create(model, model);
        IReadOnlyList<MemoryItem> items = [Item("One.", MemoryScope.Business) with { CustomerId = first }, Item("Two.", MemoryScope.Business) with { CustomerId = second }];

        await summarizer.SummarizeAsync(MemoryScope.Business, items, default);

        Assert.Equal(charged, ModelCallContext.Get(Assert.Single(model.Requests).Options, ModelCallContext.CustomerId));
    }

    [Fact]
    public async Task OfflineTier_GivesTheExtractiveSummary_WithoutACall()
    {
        var catalogUsage = new ModelUsage();
        var offline = new OfflineChatClient(_ => null);
        using var models = new ModelCatalog(new ScriptedModelProviders(offline, offline), catalogUsage);
        var logger = new RecordingLogger<ModelMemorySummarizer>();
        var summarizer = new ModelMemorySummarizer(models, Options.Create(new ModelOptions()), logger);

        var text = await summarizer.SummarizeAsync(Scope, Items, default);

        Assert.Equal(await new ExtractiveSummarizer().SummarizeAsync(Scope, Items, default), text);
        Assert.Equal(0, catalogUsage.Of(ModelTier.Small).Calls);
        Assert.Contains("offline", Assert.Single(logger.Lines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailingCall_GivesTheExtractiveSummary_AndLogsWhyWithoutTheProvidersMessage()
    {
        var model = new ScriptedChatClient((_, _) => throw new HttpRequestException("401 for key sk-secret-123"));
        var (summarizer, logger) = Create(model, model);

        var text = await summarizer.SummarizeAsync(Scope, Items, default);

        Assert.Equal(await new ExtractiveSummarizer().SummarizeAsync(Scope, Items, default), text);
        var line = Assert.Single(logger.Lines);
        Assert.Contains("HttpRequestException", line, StringComparison.Ordinal);
        Assert.Contains("customer/acme", line, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-secret", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n ")]
    public async Task EmptyAnswer_GivesTheExtractiveSummary(string answer)
    {
        var model = new ScriptedChatClient((_, _) => ScriptedChatClient.Text(answer));
        var (summarizer, logger) = Create(model, model);

        var text = await summarizer.SummarizeAsync(Scope, Items, default);

        Assert.Equal(await new ExtractiveSummarizer().SummarizeAsync(Scope, Items, default), text);
        Assert.Contains("empty", Assert.Single(logger.Lines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prompt_StaysWithinItsBound_HoweverManyAndLargeTheInteractions()
    {
        var model = new ScriptedChatClient((_, _) => ScriptedChatClient.Text("ok"));
        var (summarizer, _) = Create(model, model);
        var many = Enumerable.Range(0, 500).Select(i => Item($"Interaction {i}. " + new string('x', 30_000))).ToList();

        await summarizer.SummarizeAsync(Scope, many, default);

        var user = Assert.Single(model.Requests).Messages.Single(m => m.Role == ChatRole.User).Text;
        Assert.InRange(user.Length, 1, ModelMemorySummarizer.MaxInputChars);
        Assert.Contains("Interaction 0.", user, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("First sentence here. Second sentence that runs on and on", 40, "First sentence here.")]
    [InlineData("words without any full stop at all in this text", 20, "words without any…")]
    [InlineData("short", 20, "short")]
    public void Truncate_CutsAtASentenceOrASpace(string text, int max, string expected)
    {
        var cut = ModelMemorySummarizer.Truncate(text, max);

        Assert.Equal(expected, cut);
        Assert.True(cut.Length <= max);
    }

    [Fact]
    public void Truncate_NeverSplitsASurrogatePair()
    {
        // A cut at 11 characters would fall between the halves of the second emoji.
        var text = new string('a', 8) + string.Concat(Enumerable.Repeat("😀", 10));

        var cut = ModelMemorySummarizer.Truncate(text, 12);

        Assert.Equal("aaaaaaaa😀…", cut);
        Assert.Equal(cut, Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(cut)));
    }

    [Theory]
    [InlineData("Large", null)]
    [InlineData("small", null)]
    [InlineData("Medium", "AiOs:Models:CompactionTier")]
    [InlineData("7", "AiOs:Models:CompactionTier must be Small or Large")]
    public void CompactionTierSetting_BindsATierName_AndAnythingElseStopsTheStart_NamingTheSetting(string value, string? error)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["AiOs:Models:CompactionTier"] = value }).Build();
        using var services = new ServiceCollection()
            .AddSingleton<IValidateOptions<ModelOptions>, ModelOptionsValidator>()
            .AddOptions<ModelOptions>().Bind(configuration.GetSection(ModelOptions.SectionName)).Services
            .BuildServiceProvider();

        var read = () => services.GetRequiredService<IOptions<ModelOptions>>().Value;

        if (error is null)
        {
            Assert.Equal(Enum.Parse<ModelTier>(value, ignoreCase: true), read().CompactionTier);
        }
        else
        {
            Assert.Contains(error, Assert.ThrowsAny<Exception>(read).Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Registration_MemoryAloneIsExtractive_WithTheWorkforceTheModelWrites_WhicheverIsAddedFirst(bool memoryFirst)
    {
        var memoryOnly = new ServiceCollection().AddAiOsMemory();
        var both = new ServiceCollection();
        if (memoryFirst)
        {
            both.AddAiOsMemory();
        }

        both.AddAiOsWorkforce().AddAiOsMemory();

        Assert.Equal(typeof(ExtractiveSummarizer), Assert.Single(memoryOnly, d => d.ServiceType == typeof(IMemorySummarizer)).ImplementationType);
        Assert.Equal(typeof(ModelMemorySummarizer), Assert.Single(both, d => d.ServiceType == typeof(IMemorySummarizer)).ImplementationType);
    }

    private static (ModelMemorySummarizer, RecordingLogger<ModelMemorySummarizer>) Create(IChatClient small, IChatClient large, ModelTier tier = ModelTier.Small)
    {
        var models = new ModelCatalog(new ScriptedModelProviders(small, large), new ModelUsage());
        var logger = new RecordingLogger<ModelMemorySummarizer>();
        return (new ModelMemorySummarizer(models, Options.Create(new ModelOptions { CompactionTier = tier }), logger), logger);
    }

    private static MemoryItem Item(string text, MemoryScope? scope = null) =>
        new("i-" + Guid.NewGuid().ToString("N")[..8], scope ?? Scope, MemoryKind.Interaction, text, new MemoryProvenance("email", "inbox", DateTimeOffset.UtcNow.AddDays(-30)), 1, [], []);
}

/// <summary>Keeps every formatted log line, for tests of what is (and is not) logged.</summary>
public sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        _lines.Enqueue(formatter(state, exception) + (exception is null ? "" : " " + exception));
    }
}
