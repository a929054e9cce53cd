// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @title NoReturnERC20
/// @notice Behaves like mainnet USDT: `transfer`, `transferFrom` and `approve` return
///         nothing, and `approve` refuses to change a non-zero allowance to another
///         non-zero value. Callers that expect a `bool` back revert on it, which is the
///         point: it catches code that does not use a safe-transfer wrapper.
contract NoReturnERC20 {
    /// @dev Raised when a balance or allowance is too small; carries what was needed and what there was.
    error NoReturnERC20InsufficientBalance(uint256 required, uint256 available);
    /// @dev Raised when an allowance is too small.
    error NoReturnERC20InsufficientAllowance(uint256 required, uint256 available);
    /// @dev Raised, as USDT does, when a non-zero allowance would be overwritten by another non-zero one.
    error NoReturnERC20AllowanceNotZero(uint256 current);

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    string public name;
    string public symbol;
    uint8 public immutable decimals;
    uint256 public totalSupply;
    mapping(address account => uint256) public balanceOf;
    mapping(address owner => mapping(address spender => uint256)) public allowance;

    constructor(string memory name_, string memory symbol_, uint8 decimals_) {
        name = name_;
        symbol = symbol_;
        decimals = decimals_;
    }

    /// @notice Mints `amount` to `to`. Open to anyone: this token exists only on test chains.
    function mint(address to, uint256 amount) external {
        totalSupply += amount;
        balanceOf[to] += amount;
        emit Transfer(address(0), to, amount);
    }

    /// @notice Moves `amount` to `to`; returns nothing, like USDT.
    function transfer(address to, uint256 amount) external {
        _move(msg.sender, to, amount);
    }

    /// @notice Moves `amount` from `from` to `to` against the caller's allowance; returns nothing.
    function transferFrom(address from, address to, uint256 amount) external {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed != type(uint256).max) {
            if (allowed < amount) revert NoReturnERC20InsufficientAllowance(amount, allowed);
            allowance[from][msg.sender] = allowed - amount;
        }
        _move(from, to, amount);
    }

    /// @notice Sets the allowance; a non-zero allowance must be reset to zero first.
    function approve(address spender, uint256 amount) external {
        uint256 current = allowance[msg.sender][spender];
        if (amount != 0 && current != 0) revert NoReturnERC20AllowanceNotZero(current);
        allowance[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
    }

    function _move(address from, address to, uint256 amount) private {
        uint256 balance = balanceOf[from];
        if (balance < amount) revert NoReturnERC20InsufficientBalance(amount, balance);
        // Cannot underflow: checked just above. Cannot overflow: totalSupply bounds every balance.
        unchecked {
            balanceOf[from] = balance - amount;
            balanceOf[to] += amount;
        }
        emit Transfer(from, to, amount);
    }
}
