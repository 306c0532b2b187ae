using AiOs.Workforce.Models;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace AiOs.Workforce.Tests.Models;

/// <summary>The price table, its checks at start, and the tier drop when the large tier is over budget.</summary>
[Trait("Category", "Unit")]
public sealed class PricingTests
{
    private static readonly ChatResponse Good = ScriptedChatClient.Text("""{"output":"fine","confidence":0.9}""");

    [Fact]
    public void Cost_IsTokensTimesThePricePerMillion_InMicros_RoundedUp_AndAnUnpricedModelCostsNothing()
    {
        var meter = Meter(new ModelOptions { Prices = { ["m"] = new ModelPrice { InputPerMillion = 2.5m, OutputPerMillion = 10m } } });

        // 1,000 x 2.5 + 10 x 10 micros; a fraction of a micro is charged as a whole one.
        Assert.Equal(2_600, meter.CostMicros("m", 1000, 10));
        Assert.Equal(3, meter.CostMicros("m", 1, 0));
        Assert.Equal(0, meter.CostMicros("offline", 5_000, 5_000));
    }

    [Fact]
    public void Estimate_CountsFourCharactersAToken_PlusTheMostTheCallMayAnswer()
    {
        var meter = Meter(new ModelOptions { EstimatedOutputTokens = 100, Prices = { ["m"] = new ModelPrice { InputPerMillion = 1, OutputPerMillion = 1 } } });
        ChatMessage[] prompt = [new(ChatRole.User, new string('a', 400))];

        Assert.Equal(100 + 100, meter.EstimateMicros("m", prompt, null));
        Assert.Equal(100 + 7, meter.EstimateMicros("m", prompt, new ChatOptions { MaxOutputTokens = 7 }));
    }

    [Theory]
    [InlineData("gpt-x", null, "AiOs:Models:Prices:gpt-x is missing")]
    [InlineData("gpt-x", -1.0, "AiOs:Models:Prices:gpt-x must give")]
    public void Validator_TierOnAnEndpointWithoutAValidPrice_StopsTheStart_NamingTheSetting(string model, double? inputPrice, string expected)
    {
        var options = new ModelOptions { Large = new TierOptions { Endpoint = new Uri("http://localhost:1/v1"), Model = model } };
        if (inputPrice is { } price)
        {
            options.Prices[model] = new ModelPrice { InputPerMillion = (decimal)price };
        }

        var result = new ModelOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_OfflineTiersNeedNoPrices()
    {
        Assert.True(new ModelOptionsValidator().Validate(null, new ModelOptions()).Succeeded);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task LargeTierOverBudget_DropsToTheSmallTier_OnlyWhenAllowed(bool smallTierOnBudget)
    {
        var small = new ScriptedChatClient((_, _) => Good);
        var large = new OverBudgetChatClient();
        using var models = new ModelCatalog(new ScriptedModelProviders(small, large), new ModelUsage());

        var run = TieredCompletion.RunAsync(models, ModelTier.Large, 0.6, (client, ct) => client.GetResponseAsync("write", cancellationToken: ct),
            r => new ModelVerdict<string>(r.Text, 0.9, null), default, smallTierOnBudget);

        if (smallTierOnBudget)
        {
            var outcome = await run;
            Assert.Equal(ModelTier.Small, outcome.Tier);
            Assert.Contains("Dropping to the small tier", outcome.History[0], StringComparison.Ordinal);
            Assert.Equal(1, small.Calls);
        }
        else
        {
            await Assert.ThrowsAsync<BudgetExceededException>(() => run);
            Assert.Equal(0, small.Calls);
        }
    }

    private static SpendMeter Meter(ModelOptions options) => new(new UnusedSpendStore(), Options.Create(options), TimeProvider.System);

    private sealed class OverBudgetChatClient : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new BudgetExceededException("the budget of the day is reached");

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }

    private sealed class UnusedSpendStore : AiOs.Persistence.Spend.ISpendStore
    {
        public Task<AiOs.Persistence.Spend.ReservationOutcome> TryReserveAsync(AiOs.Persistence.Spend.SpendReservation reservation, DateTimeOffset staleBefore, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task SettleAsync(string reservationId, AiOs.Persistence.Spend.SpendRecord? actual, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<AiOs.Persistence.Spend.BudgetStatus> SetBudgetAsync(AiOs.Persistence.Spend.BudgetKey key, long limitMicros, DateTimeOffset at, string setBy, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<AiOs.Persistence.Spend.BudgetStatus>> ListBudgetsAsync(DateTimeOffset at, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<AiOs.Persistence.Spend.SpendRow>> QuerySpendAsync(AiOs.Persistence.Spend.SpendQuery query, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<AiOs.Persistence.Spend.SpendRecord>> ListGoalCallsAsync(string goalId, int limit, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<long> EraseCustomerSpendAsync(string customerId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
