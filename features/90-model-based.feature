# Counterexamples of the model-based runner (npm run model, docs/model-testing.md), kept as
# regression tests: each was found and shrunk against a mutant addon (named per scenario), fails
# with it (ZEROBUFFER_MUTANT=<name> npm run cucumber -- features/90-model-based.feature) and
# passes with the real addon. The comments give the model's state after each step.
@model
Feature: Model-based counterexamples

  Background:
    Given the test environment is initialized
    And all processes are ready
    And the 'reader' process creates buffer 'model' with metadata size '64' and payload size '2048'
    And the 'writer' process connects to buffer 'model'

  # found against the mutant lost-wakeup (the check after the out-of-order release also catches release-order)
  Scenario: Test 90.1 - Releasing two held frames at once posts sem-r once per frame
    When the 'writer' process fills buffer completely
      # model: payload_free_bytes=1008 payload_write_pos=1040 payload_written_count=1 sem_w=1 sem_r=0
    And the 'writer' process writes frame with size '65' and sequence '2'
      # model: payload_free_bytes=927 payload_write_pos=1121 payload_written_count=2 sem_w=2
    Then the 'reader' process should read and hold frame with sequence '1' and size '1024'
    And the 'reader' process should read and hold frame with sequence '2' and size '65'
      # model: payload_read_pos=1121 payload_read_count=2 sem_w=0 held=[1,2]
    When the 'reader' process releases held frame with sequence '2'
      # model: deferred behind frame 1 — payload_free_bytes=927 sem_r=0 held=[1]
    Then the 'reader' process should see buffer state:
      | payload_free_bytes | payload_write_pos | payload_read_pos | payload_written_count | payload_read_count | metadata_written_bytes | sem_w | sem_r |
      | 927                | 1121              | 1121             | 2                     | 2                  | 0                      | 0     | 0     |
    When the 'reader' process signals space available
      # model: both frames come back together — payload_free_bytes=2048 sem_r=2 held=[]
    Then the 'reader' process should see buffer state:
      | payload_free_bytes | payload_write_pos | payload_read_pos | payload_written_count | payload_read_count | metadata_written_bytes | sem_w | sem_r |
      | 2048               | 1121              | 1121             | 2                     | 2                  | 0                      | 0     | 2     |
    And the 'reader' process should find no frame pending

  # found against the mutant short-tail
  Scenario: Test 90.2 - A frame that would leave a tail shorter than a header wraps early and has to wait
    When the 'writer' process fills buffer completely
      # model: payload_free_bytes=1008 payload_write_pos=1040 payload_written_count=1 sem_w=1
    # 991 bytes (total 1007) at 1040 would leave a 1-byte tail: the writer must wrap (need 1008 + 1007) and wait
    Then the 'writer' process should time out writing frame with size '991'
    And the 'reader' process should see buffer state:
      | payload_free_bytes | payload_write_pos | payload_read_pos | payload_written_count | payload_read_count | metadata_written_bytes | sem_w | sem_r |
      | 1008               | 1040              | 0                | 1                     | 0                  | 0                      | 1     | 0     |

  # found against the mutant wrap-underflow
  Scenario: Test 90.3 - A wrapping frame that does not fit fills the ring exactly and no further
    When the 'writer' process fills buffer completely
      # model: payload_free_bytes=1008 payload_write_pos=1040 payload_written_count=1 sem_w=1
    Then the 'reader' process should read and hold frame with sequence '1' and size '1024'
    When the 'reader' process signals space available
      # model: payload_free_bytes=2048 payload_write_pos=1040 payload_read_pos=1040 sem_r=1
    # one 1024-byte frame wraps (marker + frame: need 1008 + 1040 = 2048); the next needs 1040 of 0 free
    When the 'writer' process fills buffer completely
    # sem_r: the timed-out write may have used up the release's post, or not have reached the semaphore
    Then the 'reader' process should see buffer state:
      | payload_free_bytes | payload_write_pos | payload_read_pos | payload_written_count | payload_read_count | metadata_written_bytes | sem_w | sem_r  |
      | 0                  | 1040              | 1040             | 3                     | 1                  | 0                      | 1     | 0 or 1 |

  Scenario: Test 90.4 - A killed writer's frames stay readable and a new writer starts again at sequence 1
    When the 'writer' process writes frame with size '100' and sequence '1'
    And the 'writer' process writes frame with size '200' and sequence '2'
    And the 'writer' process is killed
    Then the 'reader' process should read and hold frame with sequence '1' and size '100'
    And the 'reader' process should read and hold frame with sequence '2' and size '200'
    And the 'reader' process should timeout or detect writer death on next read
    When a new 'writer' process connects to buffer 'model'
    And the 'writer' process writes frame with size '300' and sequence '1'
      # model: frames 1 and 2 still held — payload_free_bytes=1400 payload_write_pos=648 payload_written_count=3 sem_w=1
    And the 'reader' process attempts to read frame
    Then the read should fail with sequence error
    And the error should show expected '3' got '1'
    And the 'reader' process should see buffer state:
      | payload_free_bytes | payload_write_pos | payload_read_pos | payload_written_count | payload_read_count | metadata_written_bytes | sem_w | sem_r |
      | 1400               | 648               | 332              | 3                     | 2                  | 0                      | 0     | 0     |
