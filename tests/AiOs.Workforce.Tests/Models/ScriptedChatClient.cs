using System.Collections.Concurrent;
using Microsoft.Extensions.AI;

namespace AiOs.Workforce.Tests.Models;

/// <summary>A model fake: answers each call with the next scripted reply (or a fixed function of the request), and keeps
/// every request it saw.</summary>
public sealed class ScriptedChatClient(Func<IReadOnlyList<ChatMessage>, ChatOptions?, ChatResponse> reply) : IChatClient
{
    private int _calls;

    public ConcurrentQueue<(IReadOnlyList<ChatMessage> Messages, ChatOptions? Options)> Requests { get; } = new();

    public int Calls => Volatile.Read(ref _calls);

    public static ScriptedChatClient Replying(params ChatResponse[] replies)
    {
        var queue = new ConcurrentQueue<ChatResponse>(replies);
        return new ScriptedChatClient((_, _) => queue.TryDequeue(out var next) ? next : throw new InvalidOperationException("the script has no more replies"));
    }

    public static ChatResponse Text(string text, long inputTokens = 10, long outputTokens = 5) =>
        new(new ChatMessage(ChatRole.Assistant, text)) { Usage = new UsageDetails { InputTokenCount = inputTokens, OutputTokenCount = outputTokens } };

    public static ChatResponse ToolCall(string callId, string name, Dictionary<string, object?> arguments) =>
        new(new ChatMessage(ChatRole.Assistant, [new FunctionCallContent(callId, name, arguments)]));

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var list = messages.ToList();
        Requests.Enqueue((list, options));
        Interlocked.Increment(ref _calls);
        return Task.FromResult(reply(list, options));
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}

/// <summary>Providers for tests: a scripted client per tier.</summary>
public sealed class ScriptedModelProviders(IChatClient small, IChatClient large) : AiOs.Workforce.Models.IModelProviders
{
    public IChatClient Create(AiOs.Workforce.Models.ModelTier tier) => tier == AiOs.Workforce.Models.ModelTier.Small ? small : large;

    public string Describe(AiOs.Workforce.Models.ModelTier tier) => $"scripted-{tier}";
}
