using AiOs.Connectors.Calendar;
using AiOs.Connectors.Smtp;
using AiOs.Connectors.Webhook;
using Microsoft.Extensions.Options;

namespace AiOs.Connectors;

/// <summary>Stops the service at start when a connector's settings are wrong, naming each wrong setting (never its value).</summary>
internal sealed class ConnectorsOptionsValidator : IValidateOptions<SmtpOptions>, IValidateOptions<WebhookOptions>, IValidateOptions<CalendarOptions>
{
    public ValidateOptionsResult Validate(string? name, SmtpOptions options) => Result(options.Problems());

    public ValidateOptionsResult Validate(string? name, WebhookOptions options) => Result(options.Problems());

    public ValidateOptionsResult Validate(string? name, CalendarOptions options) => Result(options.Problems());

    private static ValidateOptionsResult Result(IEnumerable<string> problems)
    {
        var list = problems.ToList();
        return list.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(list);
    }
}
