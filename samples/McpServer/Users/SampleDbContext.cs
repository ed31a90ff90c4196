using Microsoft.EntityFrameworkCore;

namespace McpServerSample.Users;

/// <summary>The sample's database: users and their issuer accounts (created by the find-or-create mapper) and notes.</summary>
public sealed class SampleDbContext(DbContextOptions<SampleDbContext> options) : DbContext(options)
{
    /// <summary>The users.</summary>
    public DbSet<AppUser> Users => Set<AppUser>();

    /// <summary>The password hashes of users who signed up with the sample's own form (the login bridge).</summary>
    public DbSet<Accounts.LocalPassword> Passwords => Set<Accounts.LocalPassword>();

    /// <summary>The issuer accounts of the users.</summary>
    public DbSet<UserLogin> Logins => Set<UserLogin>();

    /// <summary>The notes.</summary>
    public DbSet<Note> Notes => Set<Note>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        // Unique: two first requests for one new user race to insert, and the loser must fail rather than duplicate.
        modelBuilder.Entity<AppUser>().HasIndex(u => u.Email).IsUnique();
        modelBuilder.Entity<UserLogin>().HasIndex(l => new { l.Issuer, l.Subject }).IsUnique();
        modelBuilder.Entity<UserLogin>().HasOne<AppUser>().WithMany().HasForeignKey(l => l.UserId);
        modelBuilder.Entity<Note>().HasIndex(n => n.UserId);
    }
}
