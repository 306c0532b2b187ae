using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AiOs.Connectors.Resilience;
using AiOs.Workforce.Actions;
using Microsoft.Extensions.Logging;

namespace AiOs.Connectors.Webhook;

/// <summary>Posts the request JSON to a configured URL with an <c>Idempotency-Key</c> header (the ledger key, the same on
/// every attempt, so the receiver drops duplicates) and, with a secret, an HMAC-SHA256 <c>X-AiOs-Signature</c>.
/// Outcomes: 2xx succeeded; 4xx other than 408 and 429 refused (not retried; the operator sees it); a refused connection
/// not delivered; 5xx, 408, 429 and timeouts unknown, which is safe to retry here because of the key.</summary>
public sealed class WebhookConnector : IConnector, IConnectorHealth, IDisposable
{
    private readonly HttpClient _http;
    private readonly WebhookOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly SecretRedactor _redactor;
    private readonly ConnectorPipeline _pipeline;

    public WebhookConnector(WebhookOptions options, ILogger<WebhookConnector> logger, TimeProvider? time = null, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        // Timeouts are the pipeline's, per attempt.
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };
        _redactor = new SecretRedactor([options.Secret]);
        _pipeline = new ConnectorPipeline("webhook", options.Resilience, retryUnknown: true, options.DryRun, _redactor.Redact, _time);
        Actions = [.. options.Actions];
    }

    public IReadOnlyList<string> Actions { get; }

    public bool AcceptsIdempotencyKey => true;

    public ConnectorHealthReport Health() => _pipeline.Health();

    public async Task<ConnectorResult> SendAsync(string action, string requestJson, string idempotencyKey, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(requestJson);
        if (_pipeline.DryRun)
        {
            _pipeline.RecordDryRun();
            Log.WebhookDryRun(_logger, action, idempotencyKey);
            var wouldSend = new JsonObject { ["dryRun"] = true, ["url"] = _options.Url!.ToString(), ["action"] = action, ["idempotencyKey"] = idempotencyKey, ["body"] = requestJson };
            return new ConnectorResult(ConnectorOutcome.Succeeded, wouldSend.ToJsonString());
        }

        var result = await _pipeline.ExecuteAsync(
            ct => new ValueTask<ConnectorResult>(PostOnceAsync(action, body, idempotencyKey, ct)),
            () => new ConnectorResult(ConnectorOutcome.Unknown, Error: $"webhook: no answer within {_options.Resilience.AttemptTimeout.TotalSeconds:0.#} s"),
            cancellationToken).ConfigureAwait(false);
        if (result.Outcome == ConnectorOutcome.Succeeded)
        {
            Log.WebhookSent(_logger, action, idempotencyKey, 200);
        }
        else
        {
            Log.WebhookFailed(_logger, action, idempotencyKey, result.Outcome, result.Error ?? "");
        }

        return result;
    }

    public void Dispose() => _http.Dispose();

    private async Task<ConnectorResult> PostOnceAsync(string action, byte[] body, string idempotencyKey, CancellationToken ct)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        using var request = new HttpRequestMessage(HttpMethod.Post, _options.Url) { Content = content };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        request.Headers.Add("X-AiOs-Action", action);
        if (_options.Secret is { Length: > 0 } secret)
        {
            // Signed per attempt: the time in the signature is when this attempt was made.
            request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(secret, _time.GetUtcNow(), body));
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError)
        {
            return new ConnectorResult(ConnectorOutcome.NotDelivered, Error: $"webhook {_options.Url!.Authority}: {_redactor.Redact(ex.Message)}");
        }
        catch (HttpRequestException ex)
        {
            return new ConnectorResult(ConnectorOutcome.Unknown, Error: $"webhook {_options.Url!.Authority}: {_redactor.Redact(ex.Message)}");
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var result = $$"""{"status":{{status}}}""";
            var error = $"webhook {_options.Url!.Authority} answered {status}: {_redactor.Redact(Truncate(text))}";
            return response.IsSuccessStatusCode ? new ConnectorResult(ConnectorOutcome.Succeeded, result)
                : status is >= 400 and < 500 && response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout)
                    ? new ConnectorResult(ConnectorOutcome.Refused, result, error)
                    : new ConnectorResult(ConnectorOutcome.Unknown, result, error);
        }
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300];
}
