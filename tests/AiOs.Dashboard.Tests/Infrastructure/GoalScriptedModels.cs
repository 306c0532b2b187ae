using System.Collections.Concurrent;
using AiOs.Workforce.Models;
using AiOs.Workforce.Playbooks;
using Microsoft.Extensions.AI;

namespace AiOs.Dashboard.Tests.Infrastructure;

/// <summary>The model fake of the dashboard's silo: a goal a test has scripted gets the script's answers (with the token
/// counts the script gives, which the silo's price table turns into cost); every other call goes to the offline provider,
/// as it would on a silo with no model configured.</summary>
public sealed class GoalScriptedModels(PlaybookCatalog playbooks) : IModelProviders
{
    /// <summary>The model names the silo's tiers run, as the price table names them.</summary>
    public const string SmallModel = "scripted-small";

    public const string LargeModel = "scripted-large";

    /// <summary>Prices per million tokens (input, output) of <see cref="SmallModel"/> and <see cref="LargeModel"/>.</summary>
    public static readonly (decimal Input, decimal Output) SmallPrice = (2m, 8m);

    public static readonly (decimal Input, decimal Output) LargePrice = (10m, 30m);

    private readonly ConcurrentDictionary<string, Func<string, IReadOnlyList<ChatMessage>, ChatResponse>> _scripts = new(StringComparer.Ordinal);
    private readonly OfflineChatClient _offline = new(playbooks.PlanFor);

    /// <summary>Answers every call made for <paramref name="goalId"/> with <paramref name="reply"/> (given the call's task
    /// kind: <c>plan</c>, <c>draft</c>, <c>classify</c>).</summary>
    public void Script(string goalId, Func<string, IReadOnlyList<ChatMessage>, ChatResponse> reply) => _scripts[goalId] = reply;

    public IChatClient Create(ModelTier tier) => new Client(this);

    public string Describe(ModelTier tier) => tier == ModelTier.Small ? SmallModel : LargeModel;

    /// <summary>What a call with <paramref name="inputTokens"/> and <paramref name="outputTokens"/> costs on
    /// <paramref name="tier"/>, in micros (the price table's arithmetic, rounded up).</summary>
    public static long CostMicros(ModelTier tier, long inputTokens, long outputTokens)
    {
        var (input, output) = tier == ModelTier.Small ? SmallPrice : LargePrice;
        return (long)Math.Ceiling((inputTokens * input) + (outputTokens * output));
    }

    private sealed class Client(GoalScriptedModels owner) : IChatClient
    {
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            var list = messages.ToList();
            return ModelCallContext.Get(options, ModelCallContext.GoalId) is { } goal && owner._scripts.TryGetValue(goal, out var reply)
                ? Task.FromResult(reply(ModelCallContext.Get(options, ModelCallContext.TaskKind) ?? "draft", list))
                : owner._offline.GetResponseAsync(list, options, cancellationToken);
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
