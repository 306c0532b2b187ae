using System.Net;
using System.Text;

namespace AiOs.Workforce.Actions;

/// <summary>Posts the request JSON to a configured URL with an <c>Idempotency-Key</c> header (which receivers of signed
/// webhooks conventionally use to drop duplicates).</summary>
public sealed class WebhookConnector(HttpClient http, Uri url) : IConnector
{
    public IReadOnlyList<string> Actions { get; } = ["webhook.post", "email.send"];

    public bool AcceptsIdempotencyKey => true;

    public async Task<ConnectorResult> SendAsync(string action, string requestJson, string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(requestJson, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        request.Headers.Add("X-AiOs-Action", action);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex) when (ex.HttpRequestError == HttpRequestError.ConnectionError)
        {
            return new ConnectorResult(ConnectorOutcome.NotDelivered, Error: ex.Message);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new ConnectorResult(ConnectorOutcome.Unknown, Error: ex.Message);
        }

        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var result = $$"""{"status":{{status}}}""";
            return response.IsSuccessStatusCode ? new ConnectorResult(ConnectorOutcome.Succeeded, result)
                : status is >= 400 and < 500 && response.StatusCode != HttpStatusCode.TooManyRequests ? new ConnectorResult(ConnectorOutcome.Refused, result, Truncate(body))
                : new ConnectorResult(ConnectorOutcome.Unknown, result, Truncate(body));
        }
    }

    private static string Truncate(string text) => text.Length <= 500 ? text : text[..500];
}
