using AiOs.Workforce.Models;

namespace AiOs.Workforce.Roles;

/// <summary>How far a role may act on its own.</summary>
public enum AutonomyLevel
{
    /// <summary>Produces drafts only; takes no external action.</summary>
    Suggest,

    /// <summary>External actions wait for the operator's approval.</summary>
    ActWithApproval,

    /// <summary>Takes its allowed external actions itself.</summary>
    Autonomous,
}

/// <summary>What an agent role is allowed to do. A task outside the contract is refused with the reason.</summary>
/// <param name="Name">The role's name, e.g. <c>writer</c>.</param>
/// <param name="Accepts">What it takes, in words (given to the model).</param>
/// <param name="Returns">What it gives back, in words (given to the model).</param>
/// <param name="TaskKind">The kind of model work (<c>draft</c>, <c>classify</c>, <c>plan</c>, or <c>none</c> for a role
/// that needs no model).</param>
/// <param name="Tools">Tools the model may call.</param>
/// <param name="Actions">External connector actions it may take, e.g. <c>email.send</c>.</param>
/// <param name="Tier">The tier it starts on.</param>
/// <param name="Autonomy">How far it may act alone.</param>
/// <param name="BudgetTokens">Most input tokens one task may send to a model (estimated before the call).</param>
/// <param name="ConfidenceThreshold">Answers below it go to the large tier, then count as failures.</param>
/// <param name="SmallTierOnBudget">When a large-tier call would overshoot a budget, the role may do the work on the small
/// tier instead; when false the goal pauses for the operator to raise the budget.</param>
public sealed record RoleContract(
    string Name,
    string Accepts,
    string Returns,
    string TaskKind = "draft",
    IReadOnlyList<string>? Tools = null,
    IReadOnlyList<string>? Actions = null,
    ModelTier Tier = ModelTier.Small,
    AutonomyLevel Autonomy = AutonomyLevel.Autonomous,
    int BudgetTokens = 8_000,
    double ConfidenceThreshold = 0.6,
    bool SmallTierOnBudget = true);
