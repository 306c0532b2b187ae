namespace AiOs.Workforce.Models;

/// <summary>The model providers, per tier (configuration section <c>AiOs:Models</c>). A tier with no endpoint runs on the
/// offline deterministic provider, so everything works with no key.</summary>
public sealed class ModelOptions
{
    public const string SectionName = "AiOs:Models";

    public TierOptions Small { get; set; } = new();

    public TierOptions Large { get; set; } = new();

    /// <summary>Longest wait for one model call, retries included.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Retries of a call that failed transiently (429, 5xx, connection errors), with the SDK's backoff.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The currency of <see cref="Prices"/> and of every budget (ISO 4217).</summary>
    public string Currency { get; set; } = "USD";

    /// <summary>Price per model name (the tiers' <see cref="TierOptions.Model"/>). Every model a tier runs on an endpoint
    /// must have one (checked at start); the offline provider costs nothing.</summary>
    public Dictionary<string, ModelPrice> Prices { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Output tokens assumed when estimating a call that sets no maximum, before it is made (reserved against the
    /// budgets, then reconciled with the real usage).</summary>
    public int EstimatedOutputTokens { get; set; } = 1000;

    /// <summary>How long a reservation may stay unsettled before it is released (its silo died mid-call).</summary>
    public TimeSpan ReservationTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>The tier whose model writes memory compaction's summaries (routine work: the small one by default). A tier
    /// on the offline provider leaves compaction extractive.</summary>
    public ModelTier CompactionTier { get; set; } = ModelTier.Small;

    public TierOptions For(ModelTier tier) => tier == ModelTier.Small ? Small : Large;
}

/// <summary>What a model costs, per million tokens, in <see cref="ModelOptions.Currency"/>.</summary>
public sealed class ModelPrice
{
    public decimal InputPerMillion { get; set; }

    public decimal OutputPerMillion { get; set; }
}

/// <summary>One tier's OpenAI-compatible endpoint (OpenAI, Azure OpenAI, Ollama, vLLM, llama.cpp's server).</summary>
public sealed class TierOptions
{
    /// <summary>Base URL of the API, e.g. <c>https://api.openai.com/v1</c> or <c>http://localhost:11434/v1</c>; null: offline.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The API key. A secret: never logged or shown.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The model name the endpoint serves.</summary>
    public string Model { get; set; } = "offline";

    public override string ToString() => Endpoint is null ? "offline" : $"{Model} at {Endpoint.GetLeftPart(UriPartial.Authority)}";
}
