namespace AiOs.Workforce.Models;

/// <summary>Which model size a call goes to: routine work to the small tier, hard or failed work to the large one.</summary>
public enum ModelTier
{
    Small,
    Large,
}
