using Microsoft.Extensions.Options;

namespace AiOs.Workforce.Models;

/// <summary>Checks <see cref="ModelOptions"/> at start: a tier on an endpoint needs a price for its model (else its spend
/// could not be budgeted), prices and estimates are not negative, the currency is a three-letter code, compaction names a tier.</summary>
public sealed class ModelOptionsValidator : IValidateOptions<ModelOptions>
{
    public ValidateOptionsResult Validate(string? name, ModelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.Currency is not { Length: 3 } currency || !currency.All(char.IsAsciiLetterUpper))
        {
            failures.Add($"{ModelOptions.SectionName}:Currency must be an ISO 4217 code such as USD (got '{options.Currency}').");
        }

        foreach (var (model, price) in options.Prices)
        {
            if (price is null || price.InputPerMillion < 0 || price.OutputPerMillion < 0)
            {
                failures.Add($"{ModelOptions.SectionName}:Prices:{model} must give InputPerMillion and OutputPerMillion of 0 or more.");
            }
        }

        foreach (var tier in Enum.GetValues<ModelTier>())
        {
            var tierOptions = options.For(tier);
            if (tierOptions.Endpoint is not null && !options.Prices.ContainsKey(tierOptions.Model))
            {
                failures.Add($"{ModelOptions.SectionName}:Prices:{tierOptions.Model} is missing: the {tier} tier runs model '{tierOptions.Model}', " +
                    "and a call without a price cannot be held against a budget.");
            }
        }

        if (options.EstimatedOutputTokens < 1)
        {
            failures.Add($"{ModelOptions.SectionName}:EstimatedOutputTokens must be at least 1.");
        }

        if (options.ReservationTimeout <= TimeSpan.Zero)
        {
            failures.Add($"{ModelOptions.SectionName}:ReservationTimeout must be positive.");
        }

        if (!Enum.IsDefined(options.CompactionTier))
        {
            failures.Add($"{ModelOptions.SectionName}:CompactionTier must be {string.Join(" or ", Enum.GetNames<ModelTier>())} (got '{options.CompactionTier}').");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
