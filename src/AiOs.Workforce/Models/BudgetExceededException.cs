namespace AiOs.Workforce.Models;

/// <summary>A model call was not made: its estimated cost would take a budget past its cap. The message names the budget,
/// what is spent and held against it, and how to raise it. (Only the message crosses silos, so it says everything.)</summary>
public sealed class BudgetExceededException : Exception
{
    public BudgetExceededException(string message)
        : base(message)
    {
    }

    public BudgetExceededException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public BudgetExceededException()
    {
    }
}
