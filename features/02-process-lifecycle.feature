@lifecycle
Feature: Process Lifecycle
  Crash detection, reader replacement after a crash and writer exclusivity, with every role in
  its own OS process. Kills and crashes are real SIGKILLs: no cleanup code runs in the victim.

  @multi-process
  Scenario: Test 2.1 - Writer Crash Detection
    Given we run in harmony
    And the 'reader' process creates buffer 'test-writer-crash' with metadata size '1024' and payload size '10240'
    And the 'writer' process connects to buffer 'test-writer-crash'
    When the 'writer' process writes frame with data 'alive'
    Then the 'reader' process should read frame with data 'alive'
    When the 'writer' process is killed
    And wait for '2' seconds
    Then the 'reader' process should timeout or detect writer death on next read

  @multi-process
  Scenario: Test 2.2 - Reader Crash Detection
    Given we run in harmony
    And the 'reader' process creates buffer 'test-reader-crash' with metadata size '1024' and payload size '10240'
    And the 'writer' process connects to buffer 'test-reader-crash'
    When the 'writer' process writes frame with sequence '1'
    Then the 'reader' process should read frame with sequence '1'
    When the 'writer' process fills buffer completely
    And the 'reader' process crashes
    And wait for '2' seconds
    Then the 'writer' process should detect reader death on next write

  @multi-process
  Scenario: Test 2.3 - Reader Replacement After Crash
    Given we run in harmony
    And the 'reader' process creates buffer 'test-reader-replace' with metadata size '1024' and payload size '10240'
    And the 'writer' process connects to buffer 'test-reader-replace'
    When the 'writer' process writes frame with sequence '1'
    Then the 'reader' process should read frame with sequence '1'
    When the 'reader' process crashes
    And a new 'reader' process attempts to create buffer 'test-reader-replace' with metadata size '1024' and payload size '10240'
    Then the new reader should detect stale resources
    And the new reader should clean up stale resources
    And the new reader should create fresh buffer successfully
    When the 'writer' process detects reader death and reconnects to buffer 'test-reader-replace'
    And the 'writer' process writes frame with sequence '1'
    Then the 'reader' process should read frame with sequence '1'

  @multi-process
  Scenario: Test 2.4 - Multiple Writer Rejection
    Given we run in harmony
    And the 'reader' process creates buffer 'test-multi-writer' with metadata size '1024' and payload size '10240'
    And the 'writer' process connects to buffer 'test-multi-writer'
    When a second 'writer' process attempts to connect to buffer 'test-multi-writer'
    Then the connection should fail with writer exists error
