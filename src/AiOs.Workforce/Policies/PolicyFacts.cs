namespace AiOs.Workforce.Policies;

/// <summary>What policy knows about a side effect when it decides.</summary>
/// <param name="Action">The action kind, e.g. <c>email.send</c>.</param>
/// <param name="Amount">The amount of money involved, when the payload names one.</param>
/// <param name="Recipient">Who it goes to, when known.</param>
/// <param name="NewRecipient">True when nothing was ever decided for this recipient before.</param>
/// <param name="ToCustomer">True when the action goes to a customer (the task names one).</param>
/// <param name="CustomerTier">The customer's tier, when known.</param>
/// <param name="Confidence">The model's confidence in the proposal, 0 to 1.</param>
/// <param name="At">When it would happen.</param>
public sealed record PolicyFacts(
    string Action,
    decimal? Amount,
    string? Recipient,
    bool NewRecipient,
    bool ToCustomer,
    string? CustomerTier,
    double Confidence,
    DateTimeOffset At);
