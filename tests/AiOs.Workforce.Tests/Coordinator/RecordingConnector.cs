using System.Collections.Concurrent;
using AiOs.Workforce.Actions;

namespace AiOs.Workforce.Tests.Coordinator;

/// <summary>Stands in for the outside world in in-process tests: records each call by idempotency key and succeeds.</summary>
public sealed class RecordingConnector : IConnector
{
    public ConcurrentQueue<(string Action, string Key, string Request)> Calls { get; } = new();

    public IReadOnlyList<string> Actions { get; } = ["email.send", "webhook.post"];

    public bool AcceptsIdempotencyKey => true;

    public Task<ConnectorResult> SendAsync(string action, string requestJson, string idempotencyKey, CancellationToken cancellationToken)
    {
        Calls.Enqueue((action, idempotencyKey, requestJson));
        return Task.FromResult(new ConnectorResult(ConnectorOutcome.Succeeded, """{"status":200}"""));
    }
}
