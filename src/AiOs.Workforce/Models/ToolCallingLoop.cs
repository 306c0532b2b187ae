using Microsoft.Extensions.AI;

namespace AiOs.Workforce.Models;

/// <summary>Runs a chat that may call tools: the model's tool calls are answered from the allowed tools and sent back,
/// for at most a given number of rounds. A call to a tool that is not allowed is answered with a refusal, never run.</summary>
public static class ToolCallingLoop
{
    public static async Task<ChatResponse> RunAsync(
        IChatClient client,
        IList<ChatMessage> messages,
        ChatOptions options,
        IReadOnlyList<AIFunction> allowedTools,
        int maxRounds,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(allowedTools);
        options.Tools = [.. allowedTools];
        for (var round = 0; ; round++)
        {
            var response = await client.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
            var calls = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().ToList();
            if (calls.Count == 0)
            {
                return response;
            }

            if (round + 1 >= maxRounds)
            {
                throw new ModelOutputException($"the model still asked for tools ({string.Join(", ", calls.Select(c => c.Name))}) after {maxRounds} rounds");
            }

            foreach (var message in response.Messages)
            {
                messages.Add(message);
            }

            var results = new List<AIContent>();
            foreach (var call in calls)
            {
                var tool = allowedTools.FirstOrDefault(t => t.Name == call.Name);
                object? result;
                if (tool is null)
                {
                    result = $"error: tool '{call.Name}' is not allowed for this role";
                }
                else
                {
                    try
                    {
                        result = await tool.InvokeAsync(new AIFunctionArguments(call.Arguments), cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        // The model sees the failure and may recover; the exception itself is not leaked further.
                        result = $"error: {ex.Message}";
                    }
                }

                results.Add(new FunctionResultContent(call.CallId, result));
            }

            messages.Add(new ChatMessage(ChatRole.Tool, results));
        }
    }
}

/// <summary>The model's output was unusable: not the structure asked for, or a tool loop that did not end.</summary>
public sealed class ModelOutputException : Exception
{
    public ModelOutputException(string message)
        : base(message)
    {
    }

    public ModelOutputException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ModelOutputException()
    {
    }
}
