using System.Net.Sockets;
using System.Security.Authentication;
using System.Text.Json.Nodes;
using AiOs.Connectors.Resilience;
using AiOs.Workforce.Actions;
using Microsoft.Extensions.Logging;

namespace AiOs.Connectors.Smtp;

/// <summary>Sends <c>email.send</c> actions over SMTP. Outcomes: the server's 250 after the data is
/// <see cref="ConnectorOutcome.Succeeded"/>; a 5xx reply (or settings that do not fit the server) is
/// <see cref="ConnectorOutcome.Refused"/> and goes to the operator; a 4xx reply or a failure before the end of the data
/// was sent is <see cref="ConnectorOutcome.NotDelivered"/> (retried); losing the connection after the end of the data is
/// <see cref="ConnectorOutcome.Unknown"/>: the ledger does not resend blindly (SMTP servers do not drop duplicates).</summary>
public sealed class SmtpConnector : IConnector, IConnectorHealth
{
    private readonly SmtpOptions _options;
    private readonly Func<string, CancellationToken, Task<string?>> _customerEmail;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SecretRedactor _redactor;
    private readonly ConnectorPipeline _pipeline;

    /// <param name="options">The settings (validated).</param>
    /// <param name="customerEmail">The email address of a customer id, for requests that name a customer but no recipient.</param>
    /// <param name="logger">Where attempts are logged (never with credentials).</param>
    /// <param name="time">The clock of Date headers and of the retry delays.</param>
    public SmtpConnector(SmtpOptions options, Func<string, CancellationToken, Task<string?>>? customerEmail, ILogger<SmtpConnector> logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _customerEmail = customerEmail ?? ((_, _) => Task.FromResult<string?>(null));
        _logger = logger;
        _time = time ?? TimeProvider.System;
        var password = options.Password ?? "";
        _redactor = new SecretRedactor([password, Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(password)),
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"\0{options.Username}\0{password}"))]);
        _pipeline = new ConnectorPipeline("smtp", options.Resilience, retryUnknown: false, options.DryRun, _redactor.Redact, _time);
    }

    public IReadOnlyList<string> Actions { get; } = ["email.send"];

    // An SMTP server does not drop a message it has seen: an unknown outcome is the operator's to settle.
    public bool AcceptsIdempotencyKey => false;

    public ConnectorHealthReport Health() => _pipeline.Health();

    public async Task<ConnectorResult> SendAsync(string action, string requestJson, string idempotencyKey, CancellationToken cancellationToken)
    {
        var from = _options.From!;
        var fallback = await FallbackRecipientAsync(requestJson, cancellationToken).ConfigureAwait(false);
        var (message, problem) = MailMessageBuilder.Build(requestJson, fallback, idempotencyKey, from, _options.FromName,
            _options.MessageIdDomain is { Length: > 0 } domain ? domain : MailAddresses.Domain(from), _time.GetUtcNow());
        if (message is null)
        {
            return new ConnectorResult(ConnectorOutcome.Refused, Error: problem);
        }

        if (_pipeline.DryRun)
        {
            _pipeline.RecordDryRun();
            Log.EmailDryRun(_logger, message.MessageId, message.To.Count);
            var wouldSend = new JsonObject
            {
                ["dryRun"] = true,
                ["messageId"] = message.MessageId,
                ["to"] = new JsonArray([.. message.To.Select(t => (JsonNode)JsonValue.Create(t)!)]),
                ["subject"] = message.Subject,
                ["message"] = message.Text,
            };
            return new ConnectorResult(ConnectorOutcome.Succeeded, wouldSend.ToJsonString());
        }

        var dataSent = false;
        var result = await _pipeline.ExecuteAsync(
            async ct =>
            {
                var attempt = await SendOnceAsync(message, ct).ConfigureAwait(false);
                dataSent |= attempt.DataSent;
                return attempt.Result;
            },
            () => dataSent
                ? new ConnectorResult(ConnectorOutcome.Unknown, Error: $"smtp: no answer within {_options.Resilience.AttemptTimeout.TotalSeconds:0.#} s after the message data was sent; it may have been accepted")
                : new ConnectorResult(ConnectorOutcome.NotDelivered, Error: $"smtp: timed out after {_options.Resilience.AttemptTimeout.TotalSeconds:0.#} s before the message was sent"),
            cancellationToken).ConfigureAwait(false);
        if (result.Outcome == ConnectorOutcome.Succeeded)
        {
            Log.EmailSent(_logger, message.MessageId, message.To.Count);
        }
        else
        {
            Log.EmailFailed(_logger, message.MessageId, result.Outcome, result.Error ?? "");
        }

        return result;
    }

    private async Task<(ConnectorResult Result, bool DataSent)> SendOnceAsync(MailMessage message, CancellationToken ct)
    {
        var where = $"{_options.Host}:{_options.Port}";
        SmtpSession? session = null;
        try
        {
            session = await SmtpSession.ConnectAsync(_options.Host!, _options.Port, _options.Tls, ct).ConfigureAwait(false);
            await session.GreetAsync(MailAddresses.Domain(_options.From!), _options.Tls, _options.Host!, ct).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(_options.Username))
            {
                await session.AuthenticateAsync(_options.Username, _options.Password!, ct).ConfigureAwait(false);
            }

            await session.SendAsync(_options.From!, message.To, message.Text, ct).ConfigureAwait(false);
            await session.QuitAsync(ct).ConfigureAwait(false);
            var result = new JsonObject { ["messageId"] = message.MessageId, ["to"] = new JsonArray([.. message.To.Select(t => (JsonNode)JsonValue.Create(t)!)]) };
            return (new ConnectorResult(ConnectorOutcome.Succeeded, result.ToJsonString()), true);
        }
        catch (SmtpReplyException ex)
        {
            var outcome = ex.Reply.IsTransient ? ConnectorOutcome.NotDelivered : ConnectorOutcome.Refused;
            return (new ConnectorResult(outcome, $$"""{"reply":{{ex.Reply.Code}}}""", $"smtp {where}: {_redactor.Redact(ex.Message)}"), false);
        }
        catch (SmtpConfigurationException ex)
        {
            return (new ConnectorResult(ConnectorOutcome.Refused, Error: $"smtp {where}: {ex.Message}"), false);
        }
        catch (AuthenticationException ex)
        {
            return (new ConnectorResult(ConnectorOutcome.Refused, Error: $"smtp {where}: the TLS handshake failed ({ex.Message})"), false);
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            var sent = session?.DataSent ?? false;
            return sent
                ? (new ConnectorResult(ConnectorOutcome.Unknown, Error: $"smtp {where}: the connection failed after the message data was sent ({_redactor.Redact(ex.Message)}); it may have been accepted"), true)
                : (new ConnectorResult(ConnectorOutcome.NotDelivered, Error: $"smtp {where}: {_redactor.Redact(ex.Message)}"), false);
        }
        finally
        {
            if (session is not null)
            {
                await session.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<IReadOnlyList<string>> FallbackRecipientAsync(string requestJson, CancellationToken ct)
    {
        try
        {
            if (JsonNode.Parse(requestJson) is JsonObject request && request["to"] is null
                && request["customer"] is JsonValue customer && customer.TryGetValue<string>(out var customerId)
                && await _customerEmail(customerId, ct).ConfigureAwait(false) is { Length: > 0 } email)
            {
                return [email];
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // The builder reports the malformed request.
        }

        return [];
    }
}
