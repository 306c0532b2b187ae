namespace AiOs.Workforce.Entities;

/// <summary>A creation named an entity that exists already.</summary>
public sealed class EntityExistsException : Exception
{
    public EntityExistsException(string message)
        : base(message)
    {
    }

    public EntityExistsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public EntityExistsException()
    {
    }
}
