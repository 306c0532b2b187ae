using Microsoft.Extensions.Options;

namespace AiOs.Workforce;

/// <summary>Checks <see cref="ApprovalOptions"/> at start; a bad value stops the host naming the setting.</summary>
public sealed class ApprovalOptionsValidator : IValidateOptions<ApprovalOptions>
{
    public ValidateOptionsResult Validate(string? name, ApprovalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.SuggestAutonomyAfter < 1)
        {
            failures.Add($"{ApprovalOptions.SectionName}:SuggestAutonomyAfter must be at least 1 (it is {options.SuggestAutonomyAfter}).");
        }

        if (options.DeadlineCheckPeriod <= TimeSpan.Zero)
        {
            failures.Add($"{ApprovalOptions.SectionName}:DeadlineCheckPeriod must be positive (it is {options.DeadlineCheckPeriod}).");
        }

        if (options.PolicyFile is { Length: > 0 } file && !File.Exists(file))
        {
            failures.Add($"{ApprovalOptions.SectionName}:PolicyFile '{file}' does not exist.");
        }

        if (!string.IsNullOrEmpty(options.EscalationRecipient) && string.IsNullOrEmpty(options.EscalationAction))
        {
            failures.Add($"{ApprovalOptions.SectionName}:EscalationRecipient is set but EscalationAction is not: name the connector action that carries the notice.");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
