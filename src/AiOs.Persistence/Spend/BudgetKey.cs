using System.Globalization;

namespace AiOs.Persistence.Spend;

/// <summary>What a budget caps.</summary>
public enum BudgetScope
{
    /// <summary>One goal, over its whole life.</summary>
    Goal,

    /// <summary>One agent role, per UTC day.</summary>
    Role,

    /// <summary>Work for one customer, per UTC day.</summary>
    Customer,

    /// <summary>The whole business, per UTC day.</summary>
    Day,
}

/// <summary>A budget's identity: its scope and subject (the goal id, role name or customer id; empty for
/// <see cref="BudgetScope.Day"/>).</summary>
public readonly record struct BudgetKey
{
    /// <summary>Longest subject accepted.</summary>
    public const int MaxSubjectLength = 200;

    private BudgetKey(BudgetScope scope, string subject)
    {
        Scope = scope;
        Subject = subject;
    }

    public BudgetScope Scope { get; }

    public string Subject { get; }

    /// <summary>Goal budgets count the goal's whole life; the others count one UTC day at a time.</summary>
    public bool IsDaily => Scope != BudgetScope.Goal;

    /// <summary>A checked key.</summary>
    /// <exception cref="ArgumentException">The scope is not one of <see cref="BudgetScope"/>'s, a goal, role or customer
    /// budget has no subject, a day budget has one, or the subject is too long.</exception>
    public static BudgetKey Create(BudgetScope scope, string? subject)
    {
        if (!Enum.IsDefined(scope))
        {
            throw new ArgumentException($"'{(int)scope}' is not a budget scope; use goal, role, customer or day.", nameof(scope));
        }

        subject = subject?.Trim() ?? "";
        if (scope == BudgetScope.Day)
        {
            return subject.Length == 0
                ? new BudgetKey(scope, "")
                : throw new ArgumentException($"A day budget caps the whole business per day and takes no subject (got '{subject}').", nameof(subject));
        }

        if (subject.Length == 0)
        {
            throw new ArgumentException($"A {Name(scope)} budget needs the {Name(scope)} it is for.", nameof(subject));
        }

        return subject.Length > MaxSubjectLength
            ? throw new ArgumentException($"The {Name(scope)} of a budget has at most {MaxSubjectLength} characters.", nameof(subject))
            : new BudgetKey(scope, subject);
    }

    public static BudgetKey Goal(string goalId) => Create(BudgetScope.Goal, goalId);

    public static BudgetKey Role(string role) => Create(BudgetScope.Role, role);

    public static BudgetKey Customer(string customerId) => Create(BudgetScope.Customer, customerId);

    public static BudgetKey Day { get; } = new(BudgetScope.Day, "");

    /// <summary>The period a spend at <paramref name="at"/> counts in for this key: "" for a goal (its whole life), else
    /// the UTC date (yyyy-MM-dd).</summary>
    public string PeriodOf(DateTimeOffset at) => IsDaily ? DayOf(at) : "";

    /// <summary>The UTC date of <paramref name="at"/>, as spend rows record it.</summary>
    public static string DayOf(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The scope's lower-case name, as the CLI and errors spell it.</summary>
    public static string Name(BudgetScope scope) => scope.ToString().ToLowerInvariant();

    public override string ToString() => Scope == BudgetScope.Day ? "day" : $"{Name(Scope)} '{Subject}'";
}
