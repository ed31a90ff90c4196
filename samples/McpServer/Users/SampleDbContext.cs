using Microsoft.EntityFrameworkCore;

namespace McpServerSample.Users;

/// <summary>The sample's database: users (created by the find-or-create mapper) and their notes.</summary>
public sealed class SampleDbContext(DbContextOptions<SampleDbContext> options) : DbContext(options)
{
    /// <summary>The users.</summary>
    public DbSet<AppUser> Users => Set<AppUser>();

    /// <summary>The password hashes of users who signed up with the sample's own form (the login bridge).</summary>
    public DbSet<Accounts.LocalPassword> Passwords => Set<Accounts.LocalPassword>();

    /// <summary>The notes.</summary>
    public DbSet<Note> Notes => Set<Note>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        // Unique: two first requests for one new user race to insert, and the loser must fail rather than duplicate.
        modelBuilder.Entity<AppUser>().HasIndex(u => u.Email).IsUnique();
        modelBuilder.Entity<AppUser>().HasIndex(u => u.Subject).IsUnique().HasFilter("Email IS NULL");
        modelBuilder.Entity<Note>().HasIndex(n => n.UserId);
    }
}
