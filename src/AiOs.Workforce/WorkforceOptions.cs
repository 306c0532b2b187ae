using AiOs.Workforce.Playbooks;
using AiOs.Workforce.Roles;

namespace AiOs.Workforce;

/// <summary>The workforce's settings (configuration section <c>AiOs:Workforce</c>).</summary>
public sealed class WorkforceOptions
{
    public const string SectionName = "AiOs:Workforce";

    /// <summary>Roles the operator defines in addition to the built-in ones.</summary>
    public List<RoleContract> Roles { get; set; } = [];

    /// <summary>Playbooks the operator defines in addition to the built-in ones.</summary>
    public List<Playbook> Playbooks { get; set; } = [];

    /// <summary>Attempts of a task on its own tier before the fallback (the other tier) is tried.</summary>
    public int MaxTaskAttempts { get; set; } = 3;

    /// <summary>First retry delay; each retry doubles it, plus up to 50% random jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Plans rejected by validation before the goal is escalated to the operator.</summary>
    public int MaxPlanAttempts { get; set; } = 3;

    /// <summary>Largest plan accepted.</summary>
    public int MaxPlanTasks { get; set; } = 25;

    /// <summary>How often a silo loads the roles and playbooks defined at run time through another silo.</summary>
    public TimeSpan RoleRefreshInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Rounds of tool calls a model may make in one task.</summary>
    public int MaxToolRounds { get; set; } = 4;
}
