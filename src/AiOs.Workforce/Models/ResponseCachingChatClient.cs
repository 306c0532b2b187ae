using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace AiOs.Workforce.Models;

/// <summary>An exact-match response cache. The key covers the cache scope (customer and memory version, see
/// <see cref="ModelCallContext.Scope"/>), the model, the task kind, the tools offered and every message, so a change of
/// what is known about the customer (a new memory version) can never be answered from an older response. Calls without
/// a scope go straight through.</summary>
public sealed class ResponseCachingChatClient(IChatClient inner, string modelName, int capacity = 10_000) : DelegatingChatClient(inner)
{
    private readonly ConcurrentDictionary<string, string> _responses = new(StringComparer.Ordinal);

    // The keys cached for each customer (the scope without its version), so that forgetting a customer finds them.
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, bool>> _keysByCustomer = new(StringComparer.Ordinal);

    /// <summary>Responses served from the cache.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    private long _hits;

    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var scope = ModelCallContext.Get(options, ModelCallContext.CacheScope);
        if (scope is null)
        {
            return await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }

        var list = messages as IReadOnlyCollection<ChatMessage> ?? [.. messages];
        var key = Key(scope, list, options);
        if (_responses.TryGetValue(key, out var cached))
        {
            Interlocked.Increment(ref _hits);
            return JsonSerializer.Deserialize<ChatResponse>(cached, AIJsonUtilities.DefaultOptions)!;
        }

        var response = await base.GetResponseAsync(list, options, cancellationToken).ConfigureAwait(false);
        if (_responses.Count >= capacity)
        {
            // Crude but bounded: a full cache starts over rather than growing without limit.
            _responses.Clear();
            _keysByCustomer.Clear();
        }

        _responses[key] = JsonSerializer.Serialize(response, AIJsonUtilities.DefaultOptions);
        _keysByCustomer.GetOrAdd(CustomerOf(scope), _ => new(StringComparer.Ordinal))[key] = true;
        return response;
    }

    /// <summary>Removes every cached answer about <paramref name="customerId"/>, whatever its memory version; returns how many.</summary>
    public int ForgetCustomer(string customerId)
    {
        if (!_keysByCustomer.TryRemove(CustomerOf(ModelCallContext.Scope(customerId, 0)), out var keys))
        {
            return 0;
        }

        return keys.Keys.Count(key => _responses.TryRemove(key, out _));
    }

    private static string CustomerOf(string scope) => scope[..Math.Max(0, scope.LastIndexOf('@'))];

    private string Key(string scope, IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        var text = new StringBuilder()
            .Append(scope).Append('\n').Append(modelName).Append('\n')
            .Append(ModelCallContext.Get(options, ModelCallContext.TaskKind)).Append('\n')
            .Append(string.Join(",", options?.Tools?.Select(t => t.Name) ?? [])).Append('\n')
            .Append(JsonSerializer.Serialize(messages, AIJsonUtilities.DefaultOptions));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
