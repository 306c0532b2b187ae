using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace AiOs.Workforce.Models;

/// <summary>The offline deterministic provider, the default when no endpoint is configured: it plans by picking the
/// playbook whose words best match the goal, drafts from a template filled with the fields of the request, and classifies
/// by keyword rules. The same request always gets the same answer, and it never calls a tool.</summary>
public sealed class OfflineChatClient(Func<string, string?> planFromPlaybooks) : IChatClient
{
    public const string ModelId = "offline";

    private static readonly (string Label, string[] Words)[] ClassificationRules =
    [
        ("urgent", ["urgent", "asap", "immediately", "outage"]),
        ("billing", ["invoice", "payment", "refund", "billing"]),
        ("sales", ["quote", "pricing", "demo", "interested"]),
    ];

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var prompt = messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? "";
        var text = ModelCallContext.Get(options, ModelCallContext.TaskKind) switch
        {
            "plan" => planFromPlaybooks(prompt) ?? """{"tasks":[]}""",
            "classify" => new JsonObject { ["output"] = Classify(prompt), ["confidence"] = 0.7 }.ToJsonString(),
            _ => new JsonObject { ["output"] = Draft(prompt), ["confidence"] = 0.8 }.ToJsonString(),
        };
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant, text))
        {
            ModelId = ModelId,
            FinishReason = ChatFinishReason.Stop,
            // Whitespace-separated words stand in for tokens, so that usage and budgets behave as with a real model.
            Usage = new UsageDetails { InputTokenCount = messages.Sum(m => (long)Words(m.Text)), OutputTokenCount = Words(text) },
        };
        return Task.FromResult(response);
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in (await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false)).ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("offline", null, ModelId)
        : serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    private static string Classify(string prompt)
    {
        foreach (var (label, words) in ClassificationRules)
        {
            if (words.Any(w => prompt.Contains(w, StringComparison.OrdinalIgnoreCase)))
            {
                return label;
            }
        }

        return "general";
    }

    // A request that is a JSON object is drafted as "instructions" followed by its other fields, in order, so that the
    // draft names the entities and facts it was given; any other request is echoed as the draft's subject.
    private static string Draft(string prompt)
    {
        var draft = new StringBuilder();
        try
        {
            if (JsonNode.Parse(prompt) is JsonObject request)
            {
                draft.Append(request["instructions"]?.ToString() ?? "Draft");
                foreach (var (name, value) in request.Where(p => p.Key != "instructions" && p.Value is not null))
                {
                    draft.Append(CultureInfo.InvariantCulture, $"\n{name}: {value!.ToJsonString(WorkforceJson.Options)}");
                }

                return draft.ToString();
            }
        }
        catch (JsonException)
        {
        }

        return $"Draft: {prompt}";
    }

    private static int Words(string? text) => string.IsNullOrWhiteSpace(text) ? 0 : text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
}
