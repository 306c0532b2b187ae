using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text.Json;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;
using SdkChatMessage = OpenAI.Chat.ChatMessage;

namespace AiOs.Workforce.Models;

/// <summary>An <see cref="IChatClient"/> over any OpenAI-compatible chat completions endpoint, through the OpenAI SDK.
/// (Microsoft.Extensions.AI.OpenAI, which would do this, is not in the package registry this project can use.) The SDK
/// retries transient failures (429 with Retry-After, 5xx, connection errors) with exponential backoff; a call's whole
/// time is bounded by <see cref="ModelOptions.Timeout"/>.</summary>
public sealed class OpenAiCompatibleChatClient : IChatClient
{
    private readonly ChatClient _client;
    private readonly TierOptions _tier;

    public OpenAiCompatibleChatClient(TierOptions tier, ModelOptions options, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(tier);
        ArgumentNullException.ThrowIfNull(options);
        _tier = tier;
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = tier.Endpoint ?? throw new ArgumentException("An OpenAI-compatible tier needs an endpoint.", nameof(tier)),
            NetworkTimeout = options.Timeout,
            RetryPolicy = new ClientRetryPolicy(options.MaxRetries),
        };
        if (httpClient is not null)
        {
            clientOptions.Transport = new HttpClientPipelineTransport(httpClient);
        }

        // Local servers (Ollama, llama.cpp) take no key, but the SDK requires one: any placeholder works there.
        _client = new ChatClient(tier.Model, new ApiKeyCredential(string.IsNullOrEmpty(tier.ApiKey) ? "no-key" : tier.ApiKey), clientOptions);
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<AIChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var completion = (await _client.CompleteChatAsync(messages.SelectMany(ToSdk), ToSdk(options), cancellationToken).ConfigureAwait(false)).Value;

        var message = new AIChatMessage(ChatRole.Assistant, []);
        var text = string.Concat(completion.Content.Where(p => p.Kind == ChatMessageContentPartKind.Text).Select(p => p.Text));
        if (text.Length > 0)
        {
            message.Contents.Add(new TextContent(text));
        }

        foreach (var call in completion.ToolCalls)
        {
            var arguments = JsonSerializer.Deserialize<Dictionary<string, object?>>(call.FunctionArguments.ToMemory().Span, WorkforceJson.Options);
            message.Contents.Add(new FunctionCallContent(call.Id, call.FunctionName, arguments));
        }

        return new ChatResponse(message)
        {
            ResponseId = completion.Id,
            ModelId = completion.Model,
            CreatedAt = completion.CreatedAt,
            FinishReason = completion.FinishReason switch
            {
                OpenAI.Chat.ChatFinishReason.ToolCalls or OpenAI.Chat.ChatFinishReason.FunctionCall => Microsoft.Extensions.AI.ChatFinishReason.ToolCalls,
                OpenAI.Chat.ChatFinishReason.Length => Microsoft.Extensions.AI.ChatFinishReason.Length,
                OpenAI.Chat.ChatFinishReason.ContentFilter => Microsoft.Extensions.AI.ChatFinishReason.ContentFilter,
                _ => Microsoft.Extensions.AI.ChatFinishReason.Stop,
            },
            Usage = completion.Usage is { } usage
                ? new UsageDetails { InputTokenCount = usage.InputTokenCount, OutputTokenCount = usage.OutputTokenCount, TotalTokenCount = usage.TotalTokenCount }
                : null,
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<AIChatMessage> messages, ChatOptions? options = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Roles use whole responses; streaming is offered for completeness as one response split into updates.
        foreach (var update in (await GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false)).ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("openai-compatible", _tier.Endpoint, _tier.Model)
        : serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    private static IEnumerable<SdkChatMessage> ToSdk(AIChatMessage message)
    {
        if (message.Role == ChatRole.System)
        {
            yield return new SystemChatMessage(message.Text);
        }
        else if (message.Role == ChatRole.User)
        {
            yield return new UserChatMessage(message.Text);
        }
        else if (message.Role == ChatRole.Assistant)
        {
            var calls = message.Contents.OfType<FunctionCallContent>()
                .Select(c => ChatToolCall.CreateFunctionToolCall(c.CallId, c.Name, BinaryData.FromString(JsonSerializer.Serialize(c.Arguments, WorkforceJson.Options))))
                .ToList();
            yield return calls.Count > 0 ? new AssistantChatMessage(calls) : new AssistantChatMessage(message.Text);
        }
        else if (message.Role == ChatRole.Tool)
        {
            foreach (var result in message.Contents.OfType<FunctionResultContent>())
            {
                yield return new ToolChatMessage(result.CallId, ToolResultText(result.Result));
            }
        }
    }

    // AIFunctionFactory returns results as JsonElement: a string result goes to the model as its text, not as a quoted
    // JSON string.
    private static string ToolResultText(object? result) => result switch
    {
        string text => text,
        JsonElement { ValueKind: JsonValueKind.String } element => element.GetString()!,
        _ => JsonSerializer.Serialize(result, WorkforceJson.Options),
    };

    private static ChatCompletionOptions ToSdk(ChatOptions? options)
    {
        var sdk = new ChatCompletionOptions();
        if (options is null)
        {
            return sdk;
        }

        sdk.Temperature = options.Temperature;
        sdk.MaxOutputTokenCount = options.MaxOutputTokens;
        if (options.ResponseFormat is ChatResponseFormatJson)
        {
            sdk.ResponseFormat = OpenAI.Chat.ChatResponseFormat.CreateJsonObjectFormat();
        }

        foreach (var function in options.Tools?.OfType<AIFunctionDeclaration>() ?? [])
        {
            sdk.Tools.Add(ChatTool.CreateFunctionTool(function.Name, function.Description, BinaryData.FromString(function.JsonSchema.GetRawText())));
        }

        return sdk;
    }
}
